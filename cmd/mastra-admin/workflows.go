package main

import (
	"context"
	"encoding/json"
	"net"

	"github.com/mastra-admin/mastra-admin/adapters/dashboard"
	"github.com/mastra-admin/mastra-admin/adapters/mastraclient"
)

// dashboardWorkflows lets the dashboard's "Try it" page reach deployments
// through the edge router at proxyAddr (a wildcard address is dialled on
// loopback).
func dashboardWorkflows(proxyAddr string) dashboard.Workflows {
	host, port, err := net.SplitHostPort(proxyAddr)
	if err == nil {
		switch host {
		case "", "0.0.0.0", "::":
			host = "127.0.0.1"
		}
		proxyAddr = net.JoinHostPort(host, port)
	}
	return workflows{c: mastraclient.Client{RouterAddr: proxyAddr}}
}

type workflows struct{ c mastraclient.Client }

func (w workflows) List(ctx context.Context, publicURL string) ([]dashboard.Workflow, error) {
	list, err := w.c.Workflows(ctx, publicURL)
	if err != nil {
		return nil, err
	}
	out := make([]dashboard.Workflow, len(list))
	for i, wf := range list {
		out[i] = dashboard.Workflow{ID: wf.ID, Name: wf.Name, Description: wf.Description, InputSchema: wf.InputSchema}
	}
	return out, nil
}

func (w workflows) Start(ctx context.Context, publicURL, id string, input json.RawMessage) (dashboard.WorkflowRun, error) {
	run, err := w.c.StartWorkflow(ctx, publicURL, id, input)
	if err != nil {
		return dashboard.WorkflowRun{}, err
	}
	return dashboard.WorkflowRun{Status: run.Status, Body: run.Body, RunID: run.RunID, TraceID: run.TraceID}, nil
}
