package project_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mastra-admin/mastra-admin/domain"
	"github.com/mastra-admin/mastra-admin/domain/project"
)

func TestBaseCandidates(t *testing.T) {
	id := uuid.MustParse("0a1b2c3d-4e5f-4000-8000-000000000000")
	assert.Equal(t, []string{"shop", "shop-acme", "shop-acme-0a1b2c3d"}, project.BaseCandidates("shop", "acme", id))
	long := strings.Repeat("a", 29) + "b"
	got := project.BaseCandidates(long, "team-x", id)
	require.Len(t, got, 2, "a 30-character slug plus the team is cut back to the slug: %v", got)
	assert.Equal(t, long[:21]+"-0a1b2c3d", got[1])
	for _, c := range append(got, project.BaseCandidates("ab-c", strings.Repeat("z", 30), id)...) {
		assert.NoError(t, domain.ValidateSlug("base", c), c)
	}
	assert.Equal(t, got, project.BaseCandidates(long, "team-x", id), "deterministic")
}

func TestTransferBaseDecide(t *testing.T) {
	from, to, p := uuid.New(), uuid.New(), uuid.New()
	cmd := project.TransferBase{Base: "shop", To: to, ToLive: true}
	evs, err := cmd.Decide(project.BaseHolding{Team: from})
	require.NoError(t, err)
	assert.Equal(t, project.SubdomainBaseTransferred{Base: "shop", FromTeam: from, ToTeam: to}, evs[0])
	_, err = cmd.Decide(project.BaseHolding{Project: p})
	assert.ErrorIs(t, err, domain.ErrConflict)
	_, err = cmd.Decide(project.BaseHolding{Team: from, LiveDeployments: 2})
	assert.ErrorIs(t, err, domain.ErrConflict)
	_, err = cmd.Decide(project.BaseHolding{Team: to})
	assert.ErrorIs(t, err, domain.ErrConflict)
	_, err = project.TransferBase{Base: "shop", To: to}.Decide(project.BaseHolding{})
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = project.TransferBase{Base: "a--b", To: to, ToLive: true}.Decide(project.BaseHolding{})
	assert.ErrorIs(t, err, domain.ErrInvalid)
}
