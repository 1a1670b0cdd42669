package deployment_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/deployment"
	"github.com/mastra-admin/mastra-admin/domain/project"
)

func TestRunEnvCountsVersionsPerKeyAndLetsOverridesWin(t *testing.T) {
	t.Parallel()
	pid, did := uuid.New(), uuid.New()
	set := func(k string, ct byte) domain.Event {
		return project.EnvVarSet{ProjectID: pid, Key: k, Nonce: []byte{ct}, Ciphertext: []byte{ct}}
	}
	projectEvents := []domain.Event{
		project.Created{ProjectID: pid},
		set("A", 1), set("B", 2), set("A", 3), // A is at version 2
		set("GONE", 4), project.EnvVarRemoved{ProjectID: pid, Key: "GONE"},
		set("BACK", 5), project.EnvVarRemoved{ProjectID: pid, Key: "BACK"}, set("BACK", 6), // a removal does not reset the count
		set("HIDDEN", 7),
	}
	deploymentEvents := []domain.Event{
		deployment.Created{DeploymentID: did},
		deployment.EnvOverrideSet{DeploymentID: did, Key: "HIDDEN", Secret: true, Nonce: []byte{8}, Ciphertext: []byte{8}},
		deployment.EnvOverrideSet{DeploymentID: did, Key: "B", Nonce: []byte{9}, Ciphertext: []byte{9}},
		deployment.EnvOverrideRemoved{DeploymentID: did, Key: "B"}, // the project's B applies again
	}
	got := deployment.RunEnv(projectEvents, deploymentEvents)
	want := []domain.SealedVar{
		{Key: "A", Source: domain.EnvFromProject, Version: 2, Nonce: []byte{3}, Ciphertext: []byte{3}},
		{Key: "B", Source: domain.EnvFromProject, Version: 1, Nonce: []byte{2}, Ciphertext: []byte{2}},
		{Key: "BACK", Source: domain.EnvFromProject, Version: 2, Nonce: []byte{6}, Ciphertext: []byte{6}},
		{Key: "HIDDEN", Source: domain.EnvFromDeployment, Version: 1, Secret: true, Nonce: []byte{8}, Ciphertext: []byte{8}},
	}
	assert.Equal(t, want, got)
	assert.Empty(t, deployment.RunEnv(nil, nil))
}
