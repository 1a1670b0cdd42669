package objectstoretest

import (
	"net/url"

	"github.com/fsouza/fake-gcs-server/fakestorage"
)

// startFakeGCS serves an in-memory fake-gcs-server over plain HTTP on a
// loopback port.
func startFakeGCS() (*GCS, error) {
	srv, err := fakestorage.NewServerWithOptions(fakestorage.Options{
		Scheme: "http", Host: "127.0.0.1", Port: 0,
		PublicHost: "127.0.0.1", // object reads come as http://127.0.0.1:<port>/<bucket>/<object>
	})
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(srv.URL())
	if err != nil {
		srv.Stop()
		return nil, err
	}
	return &GCS{
		Host:   u.Host,
		create: func(bucket string) { srv.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: bucket}) },
		stop:   srv.Stop,
	}, nil
}
