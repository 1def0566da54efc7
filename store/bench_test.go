//go:build bench

// The 50,000-member benchmarks of docs/BENCHMARKS.md. They need the build
// tag, so the ordinary `go test ./...` neither builds nor runs them:
//
//	go test -tags bench -run XXX -bench . -benchmem -count 5 ./store/
//
// The store they read (50,000 members in 2,000 departments, 2,000 aliases,
// about 104,000 operation-log records) is built once, through the same
// calls as `import members --create-depts`, and cached in
// $TMPDIR/postroom-bench-…/store.db, under a name that changes with the
// source of store/ and model/; set POSTROOM_BENCH_REBUILD=1 to build it
// again. Benchmarks that write work on a copy.
package store_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"postroom/model"
	"postroom/store"
	"postroom/testdata/benchgen"
)

// fixtureVersion names the way the cached store is built; change it with
// the steps in buildBenchFixture.
const fixtureVersion = "1"

// benchArgon keeps password hashing out of the figures (imports set none).
var benchArgon = model.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

const benchAdmin = model.Address("admin@corp.example.cn")

type benchFixture struct {
	path    string
	co      *benchgen.Company
	s       *store.Store // the cached file, opened read-only
	admin   model.Actor
	addrs   []model.Address // 4,096 members spread over the directory
	aliases []model.Address // aliases, each of another member
	records uint64
}

var (
	benchFixOnce sync.Once
	benchFix     *benchFixture
	benchFixErr  error
)

// benchDir is where the cached store lives. Its name changes with the
// fixture, the generator, the schema and the source of store/ and model/
// (which decide what an import writes), so a stale store is never measured.
var benchDir = sync.OnceValue(func() string {
	h := sha256.New()
	for _, dir := range []string{".", "../model"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			if b, err := os.ReadFile(f); err == nil {
				h.Write([]byte(f))
				h.Write(b)
			}
		}
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("postroom-bench-f%s-g%s-s%d-%x", fixtureVersion, benchgen.Version, store.SchemaVersion, h.Sum(nil)[:6]))
})

// getBenchFixture builds (or finds) the cached store and opens it once per process.
func getBenchFixture(b testing.TB) *benchFixture {
	b.Helper()
	benchFixOnce.Do(func() { benchFix, benchFixErr = loadBenchFixture(b) })
	if benchFixErr != nil {
		b.Fatal(benchFixErr)
	}
	return benchFix
}

func loadBenchFixture(b testing.TB) (*benchFixture, error) {
	co := benchgen.Generate(benchgen.Default())
	f := &benchFixture{co: co, path: filepath.Join(benchDir(), "store.db")}
	if _, err := os.Stat(f.path); err != nil || os.Getenv("POSTROOM_BENCH_REBUILD") != "" {
		// Stores cached for other versions of the code are stale: remove them.
		stale, _ := filepath.Glob(filepath.Join(os.TempDir(), "postroom-bench-f*-g*-s*"))
		for _, d := range stale {
			if d != benchDir() {
				os.RemoveAll(d)
			}
		}
		if err := os.MkdirAll(benchDir(), 0o700); err != nil {
			return nil, err
		}
		start := time.Now()
		if err := buildBenchFixture(b, co, f.path); err != nil {
			return nil, err
		}
		b.Logf("built the fixture %s in %s", f.path, time.Since(start).Round(time.Millisecond))
	}
	s, err := store.Open(f.path, store.Options{ReadOnly: true, Argon: benchArgon})
	if err != nil {
		return nil, err
	}
	f.s = s
	err = s.Read(func(r *store.Reader) error {
		var aerr error
		f.admin, aerr = r.Actor(benchAdmin, model.DoorCLI, "bench")
		f.records = uint64(r.Count().OpLog)
		return aerr
	})
	if err != nil {
		return nil, err
	}
	n := len(co.Members)
	for i := 0; i < 4096; i++ {
		f.addrs = append(f.addrs, model.Address(co.Members[(i*7919)%n].Address))
	}
	for i := 0; i < n; i += 25 {
		f.aliases = append(f.aliases, model.Address(co.Members[i].Alias))
	}
	// Measure a warm server, not the disk: the file into the page cache,
	// then every page the lookups and searches touch into this mapping.
	if in, err := os.Open(f.path); err == nil {
		io.Copy(io.Discard, in)
		in.Close()
	}
	err = s.Read(func(r *store.Reader) error {
		for _, a := range append(append([]model.Address(nil), f.addrs...), f.aliases...) {
			if _, err := r.Resolve(a); err != nil {
				return err
			}
		}
		for _, q := range benchQueries {
			if _, err := r.Search(q.q, 50, nil); err != nil {
				return err
			}
		}
		return nil
	})
	return f, err
}

// buildBenchFixture makes the store: init, the 50,000-row import creating the
// 2,000 departments, 2,000 aliases, then a second import that changes every
// member's title (so the operation log holds over 100,000 records).
func buildBenchFixture(b testing.TB, co *benchgen.Company, path string) error {
	tmp := fmt.Sprintf("%s.building-%d", path, os.Getpid())
	os.Remove(tmp)
	s, err := store.Open(tmp, store.Options{NoSync: true, Argon: benchArgon})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Apply(model.System(model.DoorCLI), &model.InitEnterprise{Name: "示例集团", Domain: co.Config.Domain, Admin: benchAdmin, AdminName: "管理员"}); err != nil {
		return err
	}
	var admin model.Actor
	if err := s.Read(func(r *store.Reader) (err error) {
		admin, err = r.Actor(benchAdmin, model.DoorCLI, "bench")
		return err
	}); err != nil {
		return err
	}
	t := time.Now()
	if err := benchImport(s, admin, "members.csv", co.MembersCSV()); err != nil {
		return err
	}
	b.Logf("fixture: first import (50,000 new members, 2,000 departments, NoSync) %s", time.Since(t).Round(time.Millisecond))
	var aliases []model.Change
	for i := 0; i < len(co.Members); i += 25 {
		aliases = append(aliases, &model.AddAlias{Address: model.Address(co.Members[i].Address), Alias: model.Address(co.Members[i].Alias)})
	}
	if err := s.Apply(admin, aliases...); err != nil {
		return fmt.Errorf("aliases: %w", err)
	}
	t = time.Now()
	if err := benchImport(s, admin, "titles.csv", co.TitlesCSV()); err != nil {
		return err
	}
	b.Logf("fixture: second import (50,000 title updates, NoSync) %s", time.Since(t).Round(time.Millisecond))
	if err := s.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// benchImport is what `import members FILE --create-depts` does
// (tui/cmd/exchange.go): read and check the file, plan it, apply the plan
// with the summary record in one transaction.
func benchImport(s *store.Store, actor model.Actor, name string, raw []byte) error {
	const maxImport = 64 << 20
	file, err := model.ReadMembersCSV(bytes.NewReader(raw), maxImport)
	if err != nil {
		return err
	}
	if len(file.Errors) > 0 {
		return fmt.Errorf("%s: %d row errors, first %s", name, len(file.Errors), file.Errors[0])
	}
	var plan *model.ImportPlan
	if err := s.Read(func(r *store.Reader) error {
		plan = model.PlanMemberImport(r, file, true)
		return nil
	}); err != nil {
		return err
	}
	if len(plan.Errors) > 0 {
		return fmt.Errorf("%s: %d plan errors, first %s", name, len(plan.Errors), plan.Errors[0])
	}
	changes := append(plan.Changes, &model.ImportSummary{File: name, Encoding: file.Encoding, Added: plan.Adds, Updated: plan.Updates, Depts: len(plan.Depts)})
	failed, err := s.ApplyAll(actor, changes, store.ApplyOptions{KeepGoing: true})
	if err != nil {
		return err
	}
	if len(failed) > 0 {
		return fmt.Errorf("%s: %d changes failed, first: %v", name, len(failed), failed[0].Err)
	}
	return nil
}

// TestBenchFixture checks the fixture is what the benchmarks claim.
func TestBenchFixture(t *testing.T) {
	f := getBenchFixture(t)
	var c store.Counts
	f.s.Read(func(r *store.Reader) error { c = r.Count(); return nil })
	t.Logf("members %d, departments %d, operation-log records %d", c.Members, c.Depts, c.OpLog)
	if c.Members != 50001 || c.Depts != 2001 || c.OpLog < 100000 {
		t.Fatalf("benchFixture: %d members, %d departments, %d records", c.Members, c.Depts, c.OpLog)
	}
	err := f.s.Read(func(r *store.Reader) error {
		for _, a := range f.aliases[:100] {
			m, err := r.Resolve(a)
			if err != nil {
				return err
			}
			if m.Address == a {
				return fmt.Errorf("alias %s resolved to itself", a)
			}
		}
		for _, q := range benchQueries {
			ms, err := r.Search(q.q, 50, nil)
			if err != nil {
				return err
			}
			if len(ms) != 50 {
				return fmt.Errorf("search %q: %d hits, want 50", q.q, len(ms))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Target 2: address lookup under 20 µs.

func BenchmarkMember(b *testing.B) {
	f := getBenchFixture(b)
	f.s.Read(func(r *store.Reader) error {
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := r.Member(f.addrs[i&4095]); err != nil {
				b.Fatal(err)
			}
		}
		return nil
	})
}

// BenchmarkMemberOwnTx is one lookup with its own read transaction, as a
// door does it for a single request.
func BenchmarkMemberOwnTx(b *testing.B) {
	f := getBenchFixture(b)
	for i := 0; i < b.N; i++ {
		err := f.s.Read(func(r *store.Reader) error {
			_, err := r.Member(f.addrs[i&4095])
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkResolveAlias(b *testing.B) {
	f := getBenchFixture(b)
	f.s.Read(func(r *store.Reader) error {
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			m, err := r.Resolve(f.aliases[i%len(f.aliases)])
			if err != nil || m.Address == f.aliases[i%len(f.aliases)] {
				b.Fatal(err)
			}
		}
		return nil
	})
}

func BenchmarkResolveAddress(b *testing.B) {
	f := getBenchFixture(b)
	f.s.Read(func(r *store.Reader) error {
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := r.Resolve(f.addrs[i&4095]); err != nil {
				b.Fatal(err)
			}
		}
		return nil
	})
}

// Target 3: search, first 50 hits, under 5 ms.

var benchQueries = []struct{ name, q string }{
	{"initials2=zs", "zs"},
	{"initials3=zyh", "zyh"},
	{"surname=张", "张"},
	{"pinyin=zhang", "zhang"},
}

func BenchmarkSearch(b *testing.B) {
	f := getBenchFixture(b)
	for _, q := range benchQueries {
		b.Run(q.name, func(b *testing.B) {
			f.s.Read(func(r *store.Reader) error {
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					ms, err := r.Search(q.q, 50, nil)
					if err != nil || len(ms) != 50 {
						b.Fatalf("%q: %d hits, %v", q.q, len(ms), err)
					}
				}
				return nil
			})
		})
	}
}

// BenchmarkSearchVisible is what `member list --query` runs: the same
// search with the visibility filter of the acting admin.
func BenchmarkSearchVisible(b *testing.B) {
	f := getBenchFixture(b)
	for _, q := range benchQueries {
		b.Run(q.name, func(b *testing.B) {
			f.s.Read(func(r *store.Reader) error {
				keep := func(m *model.Member) bool { return model.CanSee(f.admin, m, r) }
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					ms, err := r.Search(q.q, 50, keep)
					if err != nil || len(ms) != 50 {
						b.Fatalf("%q: %d hits, %v", q.q, len(ms), err)
					}
				}
				return nil
			})
		})
	}
}

// Target 4: one audited change under 2 ms plus the fsync.

// benchWriteStore is a private copy of the fixture for one benchmark run (a
// bbolt file can be open only once per process, and writes must not change
// the fixture). The copy is fsynced before the clock starts, so the first
// timed commit does not flush it.
func benchWriteStore(b *testing.B, f *benchFixture, noSync bool) *store.Store {
	path := filepath.Join(b.TempDir(), "store.db")
	if err := benchCopyFile(f.path, path); err != nil {
		b.Fatal(err)
	}
	s, err := store.Open(path, store.Options{NoSync: noSync, Argon: benchArgon})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func benchCopyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

var benchTitleSeq int

func benchApply(b *testing.B, noSync bool) {
	f := getBenchFixture(b)
	s := benchWriteStore(b, f, noSync)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		benchTitleSeq++
		c := &model.SetMember{Address: f.addrs[benchTitleSeq&4095], Fields: model.MemberFields{Title: fmt.Sprintf("职务%d", benchTitleSeq)}, Set: map[string]bool{"title": true}}
		if err := s.Apply(f.admin, c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkApplySetTitle(b *testing.B) {
	b.Run("nosync", func(b *testing.B) { benchApply(b, true) })
	b.Run("fsync", func(b *testing.B) { benchApply(b, false) })
}

// Target 5: audit verify over 100,000 records under 2 s.

func BenchmarkVerifyAudit(b *testing.B) {
	f := getBenchFixture(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep, err := f.s.VerifyAudit()
		if err != nil || !rep.OK {
			b.Fatalf("%+v %v", rep, err)
		}
		if rep.Records < 100000 {
			b.Fatalf("only %d records", rep.Records)
		}
	}
	b.ReportMetric(float64(f.records), "records")
}
