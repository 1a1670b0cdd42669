// Package team is the team aggregate: creation, renaming, slug changes,
// deletion and membership. Slug uniqueness is a claim in SlugScope, taken
// and freed in the same transaction as the events that take and free it.
package team
