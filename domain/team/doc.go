// Package team is the team aggregate: creation, renaming, slug changes,
// deletion and membership. Slug uniqueness is kept by a second, tiny
// aggregate per slug (SlugClaim) appended in the same atomic write.
package team
