package objectstoretest

import (
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// startGofakes3 serves an in-memory gofakes3 on a loopback port.
func startGofakes3() (*S3, error) {
	l, err := listen()
	if err != nil {
		return nil, err
	}
	fake := gofakes3.New(s3mem.New(), gofakes3.WithoutVersioning())
	endpoint := "http://" + l.Addr().String()
	return &S3{Name: "gofakes3", Endpoint: endpoint, client: newS3Client(endpoint), stop: serve(l, fake.Server())}, nil
}
