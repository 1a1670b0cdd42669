// Package deployment is the deployment aggregate: one running target of a
// project — production, staging or a preview — with its own URL and env
// overrides. Its slug is unique within the project, and a project has at
// most one production deployment: claims taken and freed with the events.
package deployment
