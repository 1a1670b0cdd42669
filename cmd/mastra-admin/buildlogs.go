package main

import (
	"context"

	"github.com/sirupsen/logrus"

	"github.com/mastra-admin/mastra-admin/adapters/buildlog"
	"github.com/mastra-admin/mastra-admin/adapters/buildlog/redislog"
	"github.com/mastra-admin/mastra-admin/adapters/config"
	"github.com/mastra-admin/mastra-admin/commands"
	"github.com/mastra-admin/mastra-admin/domain/license"
)

// openBuildLogs opens the file storage FILE_STORAGE_URL names and the
// build-log cache: Redis when REDIS_URL is set, else this process's
// memory. Both stay open as long as the process.
func openBuildLogs(ctx context.Context, cfg config.Config, lic license.License, log *logrus.Entry) (commands.FileStorage, commands.BuildLogCache, error) {
	files, err := openFileStorage(ctx, cfg, lic, log)
	if err != nil {
		return nil, nil, err
	}
	if cfg.RedisURL == "" {
		log.Debug("live build logs stay in this process: set REDIS_URL to follow builds of other replicas")
		return files, buildlog.NewMemory(), nil
	}
	cache, _, err := redislog.Open(ctx, cfg.RedisURL, cfg.RedisPrefix)
	if err != nil {
		_ = files.Close()
		return nil, nil, err
	}
	return files, cache, nil
}
