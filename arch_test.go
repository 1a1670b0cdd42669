// Package mastraadmin_test checks the module's layering. The architecture's
// "Top-level layout" table (which folder may import which) becomes import
// rules over every non-test package, read with `go list -json`; a source
// scan keeps package domain pure; and every package must have a doc.go.
//
// The root directory holds only this test; it is not an importable package.
package mastraadmin_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// module is the module path; layer names below are relative to it.
const module = "github.com/mastra-admin/mastra-admin"

// rule is one row of the layout table. A package belongs to the rule whose
// layer is the longest prefix of its module-relative path (a layer matches
// itself and every package under it). A layer may always import itself.
type rule struct {
	layer string
	// modules lists the other layers it may import; "*" means any layer
	// except those in never.
	modules []string
	never   []string
	// stdlib rejects standard-library imports; nil allows all of them.
	stdlib func(path string) error
	// external rejects third-party imports; nil allows all of them.
	external func(path string) error
}

// rules is the layout table. Every package must fall under one of them, so
// a new top-level folder (or a new internal/ package) needs a row here.
var rules = []rule{
	{layer: "domain", stdlib: pureStdlib, external: only("github.com/google/uuid")},
	{layer: "commands", modules: []string{"domain"},
		stdlib:   deny("net/http", "database/sql"),
		external: deny("github.com/jackc", "github.com/ThreeDotsLabs", "github.com/gorilla", "github.com/ClickHouse", "github.com/lib/pq", "github.com/nats-io")},
	{layer: "eventstore", modules: []string{"domain"}},
	{layer: "projections", modules: []string{"domain", "eventstore"}},
	{layer: "adapters", modules: []string{"commands", "projections", "domain", "eventstore"}},
	// The ClickHouse store applies its own migrations (serve and migrate
	// may reach ClickHouse later than Postgres).
	{layer: "adapters/clickhouse", modules: []string{"commands", "domain", "migrations"}},
	{layer: "migrations"},
	{layer: "internal/pgtest", modules: []string{"eventstore", "migrations"}},
	{layer: "internal/oidctest", modules: []string{}},
	{layer: "internal/chtest", modules: []string{"adapters/clickhouse"}},
	{layer: "internal/redistest", modules: []string{}},
	{layer: "internal/objectstoretest", modules: []string{}},
	// Browser tests of the dashboard: imports nothing of the project, so
	// the pages' tests (adapters/…) can use it.
	{layer: "internal/browsertest", modules: []string{}},
	{layer: "internal/app", modules: []string{"*"}, never: []string{"cmd"}},
	{layer: "internal/apptest", modules: []string{"*"}, never: []string{"cmd"}},
	{layer: "internal/benchmarks", modules: []string{"*"}, never: []string{"cmd"}},
	{layer: "cmd", modules: []string{"*"}},
}

// pureStdlib keeps domain free of I/O, context, logging and randomness.
// net/mail, net/url and net/netip only parse values, so they stay allowed.
func pureStdlib(path string) error {
	switch path {
	case "net/mail", "net/url", "net/netip":
		return nil
	}
	return deny("context", "log", "os", "net", "syscall", "database/sql", "math/rand", "crypto/rand")(path)
}

// deny rejects the given import paths and everything under them.
func deny(prefixes ...string) func(string) error {
	return func(path string) error {
		for _, p := range prefixes {
			if path == p || strings.HasPrefix(path, p+"/") {
				return fmt.Errorf("%s is forbidden in this layer", p)
			}
		}
		return nil
	}
}

// only allows exactly the given import paths (and packages under them).
func only(allowed ...string) func(string) error {
	return func(path string) error {
		if deny(allowed...)(path) != nil {
			return nil
		}
		return fmt.Errorf("only %s may be imported from outside the standard library", strings.Join(allowed, ", "))
	}
}

// ruleFor returns the rule of a module-relative package path, or nil.
func ruleFor(rel string) *rule {
	var best *rule
	for i, r := range rules {
		if (rel == r.layer || strings.HasPrefix(rel, r.layer+"/")) && (best == nil || len(r.layer) > len(best.layer)) {
			best = &rules[i]
		}
	}
	return best
}

// checkImport reports whether the package at module-relative path pkg may
// import imp (an import path as written in source). The error names both.
func checkImport(pkg, imp string) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s/%s imports %q: %s", module, pkg, imp, fmt.Sprintf(format, args...))
	}
	r := ruleFor(pkg)
	if r == nil {
		return fmt.Errorf("%s/%s is in no layer: add a rule for it in arch_test.go", module, pkg)
	}
	if imp == module || strings.HasPrefix(imp, module+"/") {
		target := ruleFor(strings.TrimPrefix(strings.TrimPrefix(imp, module), "/"))
		switch {
		case target == nil:
			return fail("the imported package is in no layer")
		case target.layer == r.layer:
			return nil
		case slices.Contains(r.never, target.layer):
			return fail("%s must never import %s", r.layer, target.layer)
		case slices.Contains(r.modules, "*"), slices.Contains(r.modules, target.layer):
			return nil
		}
		return fail("%s may import from the module only %s", r.layer, allowedLayers(r.layer, r.modules))
	}
	check := r.external
	if isStdlib(imp) {
		check = r.stdlib
	}
	if check == nil {
		return nil
	}
	if err := check(imp); err != nil {
		return fail("in layer %s, %v", r.layer, err)
	}
	return nil
}

// allowedLayers names the layers a layer may import, its own included.
func allowedLayers(own string, layers []string) string {
	return strings.Join(append([]string{own}, layers...), ", ")
}

// isStdlib uses the go command's own rule: a standard-library path has no
// dot in its first element.
func isStdlib(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// goPackage is what the test reads from `go list -json`.
type goPackage struct {
	ImportPath string
	Name       string
	Dir        string
	GoFiles    []string
	CgoFiles   []string
	Imports    []string
	Error      *struct{ Err string }
}

// rel returns the package path relative to the module.
func (p goPackage) rel() string {
	return strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
}

// listPackages lists the module's packages that have non-test Go files.
// A directory holding only tests (like the root) has nothing to import.
func listPackages(t *testing.T) []goPackage {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("go", "list", "-e", "-deps=false", "-json=ImportPath,Name,Dir,GoFiles,CgoFiles,Imports,Error", "./...")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []goPackage
	dec := json.NewDecoder(&stdout)
	for {
		var p goPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		if p.Error != nil {
			t.Errorf("go list %s: %s", p.ImportPath, p.Error.Err)
		}
		if len(p.GoFiles)+len(p.CgoFiles) > 0 {
			pkgs = append(pkgs, p)
		}
	}
	// Guard against a listing that silently matched nothing.
	paths := make([]string, len(pkgs))
	for i, p := range pkgs {
		paths[i] = p.rel()
	}
	for _, want := range []string{"domain", "commands", "eventstore", "projections", "migrations", "cmd/mastra-admin"} {
		if !slices.Contains(paths, want) {
			t.Fatalf("go list did not return package %s; got %v", want, paths)
		}
	}
	return pkgs
}

// TestLayers fails for every import that crosses the layout table's lines
// and for every package that no rule covers.
func TestLayers(t *testing.T) {
	t.Parallel()
	for _, p := range listPackages(t) {
		if ruleFor(p.rel()) == nil {
			t.Errorf("package %s is in no layer: add a rule for its folder to arch_test.go", p.ImportPath)
			continue
		}
		for _, imp := range p.Imports {
			if err := checkImport(p.rel(), imp); err != nil {
				t.Error(err)
			}
		}
	}
}

// TestDomainIsPure scans domain's non-test source for reads of the clock,
// randomness and random IDs, which imports alone cannot show.
func TestDomainIsPure(t *testing.T) {
	t.Parallel()
	files := 0
	for _, p := range listPackages(t) {
		if r := ruleFor(p.rel()); r == nil || r.layer != "domain" {
			continue
		}
		for _, name := range slices.Concat(p.GoFiles, p.CgoFiles) {
			path := filepath.Join(p.Dir, name)
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			files++
			for _, problem := range impureCalls(path, src) {
				t.Errorf("%s (package %s): domain is pure: no clock, randomness or random IDs; take now and new IDs from the command", problem, p.ImportPath)
			}
		}
	}
	if files == 0 {
		t.Fatal("no domain source files were scanned")
	}
}

// forbiddenCalls lists, per import path, the selectors domain must not use;
// a nil list forbids the whole package.
var forbiddenCalls = map[string][]string{
	"time":                   {"Now", "Since", "Until", "Sleep", "After", "AfterFunc", "Tick", "NewTimer", "NewTicker"},
	"math/rand":              nil,
	"math/rand/v2":           nil,
	"crypto/rand":            nil,
	"github.com/google/uuid": {"New", "NewString", "NewRandom", "NewRandomFromReader", "NewUUID", "NewV6", "NewV7", "NewV7FromReader", "NewDCEGroup", "NewDCEPerson", "NewDCESecurity"},
}

// impureCalls returns "file:line:col: uses pkg.Name" for every use of a
// forbidden selector in src (calls and function values alike).
func impureCalls(filename string, src []byte) []string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filename, src, parser.SkipObjectResolution)
	if err != nil {
		return []string{fmt.Sprintf("parse %s: %v", filename, err)}
	}
	var out []string
	names := map[string]string{} // local name -> import path
	for _, spec := range f.Imports {
		path, _ := strconv.Unquote(spec.Path.Value)
		if _, ok := forbiddenCalls[path]; !ok {
			continue
		}
		name := defaultName(path)
		if spec.Name != nil {
			name = spec.Name.Name
		}
		if name == "." {
			out = append(out, fmt.Sprintf("%s: dot-imports %s", fset.Position(spec.Pos()), path))
		}
		names[name] = path
	}
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		x, ok := sel.X.(*ast.Ident)
		if !ok {
			return true
		}
		path, ok := names[x.Name]
		if !ok {
			return true
		}
		if list := forbiddenCalls[path]; list == nil || slices.Contains(list, sel.Sel.Name) {
			out = append(out, fmt.Sprintf("%s: uses %s.%s", fset.Position(sel.Pos()), path, sel.Sel.Name))
		}
		return true
	})
	return out
}

// defaultName is the package name an import gets without an explicit name.
func defaultName(path string) string {
	elems := strings.Split(path, "/")
	last := elems[len(elems)-1]
	if len(elems) > 1 && len(last) > 1 && last[0] == 'v' && strings.Trim(last[1:], "0123456789") == "" {
		return elems[len(elems)-2]
	}
	return last
}

// TestDocGo fails listing every package without a doc.go holding its
// package comment ("Package name ..." or, for a command, "Command ...").
func TestDocGo(t *testing.T) {
	t.Parallel()
	var missing []string
	for _, p := range listPackages(t) {
		path := filepath.Join(p.Dir, "doc.go")
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.PackageClauseOnly|parser.ParseComments)
		switch {
		case errors.Is(err, os.ErrNotExist):
			missing = append(missing, p.ImportPath)
		case err != nil:
			t.Errorf("%s: %v", path, err)
		case f.Doc == nil:
			t.Errorf("%s has no package comment", path)
		case !strings.HasPrefix(f.Doc.Text(), "Package "+p.Name+" ") && !(p.Name == "main" && strings.HasPrefix(f.Doc.Text(), "Command ")):
			t.Errorf("%s: package comment should start with %q", path, "Package "+p.Name+" ")
		}
	}
	if len(missing) > 0 {
		t.Errorf("packages without doc.go (add one with the package comment):\n  %s", strings.Join(missing, "\n  "))
	}
}

// TestCheckImport pins the rules themselves, so that a rule that allows
// everything cannot make TestLayers pass silently.
func TestCheckImport(t *testing.T) {
	t.Parallel()
	m := func(rel string) string { return module + "/" + rel }
	tests := []struct {
		pkg, imp string
		allowed  bool
	}{
		{"domain", "fmt", true},
		{"domain/team", "time", true},
		{"domain/team", "github.com/google/uuid", true},
		{"domain/team", m("domain"), true},
		{"domain/user", "net/mail", true},
		{"domain", "context", false},
		{"domain", "log", false},
		{"domain", "log/slog", false},
		{"domain", "os", false},
		{"domain", "os/exec", false},
		{"domain", "net", false},
		{"domain", "net/http", false},
		{"domain", "math/rand/v2", false},
		{"domain", "crypto/rand", false},
		{"domain", "github.com/sirupsen/logrus", false},
		{"domain", "github.com/jackc/pgx/v5", false},
		{"domain", m("eventstore"), false},
		{"domain", m("commands"), false},
		{"commands", m("domain/team"), true},
		{"commands", "github.com/google/uuid", true},
		{"commands", "github.com/sirupsen/logrus", true},
		{"commands", "crypto/rand", true},
		{"commands", "net/http", false},
		{"commands", "net/http/httptest", false},
		{"commands", "github.com/jackc/pgx/v5", false},
		{"commands", "github.com/ThreeDotsLabs/watermill", false},
		{"commands", "github.com/gorilla/mux", false},
		{"commands", "github.com/ClickHouse/clickhouse-go/v2", false},
		{"commands", m("eventstore"), false},
		{"commands", m("projections"), false},
		{"commands", m("adapters/httpapi"), false},
		{"eventstore", m("domain"), true},
		{"eventstore", "github.com/jackc/pgx/v5", true},
		{"eventstore", m("commands"), false},
		{"eventstore", m("projections"), false},
		{"eventstore", m("migrations"), false},
		{"projections", m("eventstore"), true},
		{"projections", m("domain/user"), true},
		{"projections/projectiontest", m("projections"), true},
		{"projections/projectiontest", m("eventstore"), true},
		{"projections", m("commands"), false},
		{"projections/projectiontest", m("internal/pgtest"), false},
		{"adapters/httpapi", m("commands"), true},
		{"adapters/httpapi", m("adapters/auditchain"), true},
		{"adapters/pgstore", m("projections"), true},
		{"adapters/pgstore", m("eventstore"), true},
		{"adapters/httpapi", "github.com/gorilla/mux", true},
		{"adapters/httpapi", m("cmd/mastra-admin"), false},
		{"adapters/pgstore", m("internal/app"), false},
		{"adapters/pgstore", m("internal/apptest"), false},
		{"adapters/pgstore", m("migrations"), false},
		{"migrations", "github.com/jackc/pgx/v5", true},
		{"migrations", m("eventstore"), false},
		{"migrations", m("domain"), false},
		{"internal/pgtest", m("eventstore"), true},
		{"internal/pgtest", m("migrations"), true},
		{"internal/pgtest", m("projections"), false},
		{"internal/app", m("adapters/pgstore"), true},
		{"internal/apptest", m("internal/app"), true},
		{"internal/app", m("cmd/mastra-admin"), false},
		{"internal/apptest", m("cmd/mastra-admin"), false},
		{"cmd/mastra-admin", m("internal/app"), true},
		{"cmd/mastra-admin", m("adapters/httpapi"), true},
		{"cmd/other", "net/http", true},
		{"tools/gen", "fmt", false},         // unknown top-level folder
		{"internal/newthing", "fmt", false}, // unknown internal package
		{"adapters/httpapi", m("tools/gen"), false},
	}
	for _, tt := range tests {
		err := checkImport(tt.pkg, tt.imp)
		if tt.allowed && err != nil {
			t.Errorf("%s importing %s should be allowed: %v", tt.pkg, tt.imp, err)
		}
		if !tt.allowed {
			if err == nil {
				t.Errorf("%s importing %s should be forbidden", tt.pkg, tt.imp)
			} else if !strings.Contains(err.Error(), m(tt.pkg)) {
				t.Errorf("error %q should name the importing package %s", err, m(tt.pkg))
			}
		}
	}
}

// TestImpureCalls pins the domain source scan.
func TestImpureCalls(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      []string
	}{
		{"clean", `package d
import ("time"; "github.com/google/uuid")
func f(now time.Time, id uuid.UUID) time.Time { _ = uuid.MustParse(""); return now.Add(time.Second) }`, nil},
		{"time.Now", `package d
import "time"
func f() time.Time { return time.Now() }`, []string{"d.go:3:29: uses time.Now"}},
		{"clock as a value", `package d
import "time"
var clock = time.Now`, []string{"uses time.Now"}},
		{"renamed import", `package d
import t "time"
func f() { _ = t.Since(t.Time{}) }`, []string{"uses time.Since"}},
		{"math/rand/v2", `package d
import "math/rand/v2"
func f() int { return rand.IntN(3) }`, []string{"uses math/rand/v2.IntN"}},
		{"crypto/rand", `package d
import "crypto/rand"
func f(b []byte) { rand.Read(b) }`, []string{"uses crypto/rand.Read"}},
		{"random ids", `package d
import "github.com/google/uuid"
var a, b, c = uuid.New(), uuid.Must(uuid.NewV7()), uuid.NewRandom`, []string{"uses github.com/google/uuid.New", "uses github.com/google/uuid.NewV7", "uses github.com/google/uuid.NewRandom"}},
		{"dot import", `package d
import . "time"
var x = Second`, []string{"dot-imports time"}},
		{"a local named time is not the package", `package d
func f(time struct{ Now int }) int { return time.Now }`, nil},
	}
	for _, tt := range tests {
		got := impureCalls("d.go", []byte(tt.src))
		if len(got) != len(tt.want) {
			t.Errorf("%s: got %q, want %d problems %q", tt.name, got, len(tt.want), tt.want)
			continue
		}
		for i := range got {
			if !strings.Contains(got[i], tt.want[i]) {
				t.Errorf("%s: problem %d is %q, want it to contain %q", tt.name, i, got[i], tt.want[i])
			}
		}
	}
}
