// Package project is the project aggregate: a Mastra project of a team,
// built from a source (a local folder for now). Its slug is unique within
// the team: a claim in the team's project scope, taken and freed with the
// events.
package project
