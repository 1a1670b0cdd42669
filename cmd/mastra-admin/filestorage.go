package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/mastra-admin/mastra-admin/adapters/config"
	"github.com/mastra-admin/mastra-admin/adapters/filestorage/cloud"
	filestoragelocal "github.com/mastra-admin/mastra-admin/adapters/filestorage/local"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/license"
)

// bucketOpenTimeout bounds opening a bucket and checking it is reachable.
const bucketOpenTimeout = 30 * time.Second

// closingStorage is a file storage the process closes.
type closingStorage interface {
	commands.FileStorage
	io.Closer
}

// openFileStorage opens the file storage FILE_STORAGE_URL names: a local
// directory always; an s3:// or gs:// bucket only under a license with the
// s3 feature (a lapsed license keeps its features here, so that stored
// logs stay readable), checked reachable before the process goes on.
func openFileStorage(ctx context.Context, cfg config.Config, lic license.License, log *logrus.Entry) (closingStorage, error) {
	where, err := cfg.FileStorage()
	if err != nil {
		return nil, usageError{fmt.Errorf("%s: %w", config.EnvFileStorageURL, err)}
	}
	if !where.Cloud() {
		files, err := filestoragelocal.New(where.Dir)
		if err != nil {
			return nil, err
		}
		log.WithField("file_storage", where.Dir).Debug("file storage is a local directory")
		return files, nil
	}
	if !lic.Has(license.FeatureS3) {
		return nil, usageError{fmt.Errorf("%s: cloud file storage (s3:// or gs://) needs a license with the %q feature, and this %s license lacks it; set MASTRA_ADMIN_LICENSE_KEY to such a license, or use file:///path/to/storage",
			config.EnvFileStorageURL, license.FeatureS3, lic.Tier)}
	}
	octx, cancel := context.WithTimeout(ctx, bucketOpenTimeout)
	defer cancel()
	files, err := cloud.Open(octx, where.BucketURL)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", config.EnvFileStorageURL, err)
	}
	log.WithField("file_storage", files.Bucket()).Info("file storage is a bucket")
	return files, nil
}
