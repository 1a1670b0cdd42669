package buildlog_test

import (
	"testing"

	"github.com/mastra-admin/mastra-admin/adapters/buildlog"
	"github.com/mastra-admin/mastra-admin/adapters/buildlog/buildlogtest"
	"github.com/mastra-admin/mastra-admin/commands"
)

func TestMemory(t *testing.T) {
	t.Parallel()
	buildlogtest.Run(t, func(*testing.T) commands.BuildLogCache { return buildlog.NewMemory() })
}
