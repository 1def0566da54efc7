//go:build bench

// The import benchmark of docs/BENCHMARKS.md (target: 50,000 rows in under
// 20 s and 300 MB peak memory). Each iteration runs `import members FILE
// --create-depts` through cmd.Run in a fresh child process (this test
// binary, running TestImportChild), so the peak RSS it reports (VmHWM) is
// the import's own:
//
//	go test -tags bench -run XXX -bench Import -benchtime 1x -count 3 ./tui/cmd/
//
// POSTROOM_BENCH_MEMBERS=N runs it with N members in N/25 departments
// instead (to see how the cost grows). To profile one import:
//
//	POSTROOM_BENCH_IMPORT_CSV=$TMPDIR/postroom-bench-g1/members-50000.csv \
//	  go test -tags bench -run TestImportChild -count 1 -cpuprofile cpu.out ./tui/cmd/
package cmd_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"postroom/model"
	"postroom/store"
	"postroom/testdata/benchgen"
	"postroom/tui/cmd"
)

var benchArgon = model.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

const benchAdmin = model.Address("admin@corp.example.cn")

// benchChildResult is what TestImportChild prints on its last line.
type benchChildResult struct {
	Seconds     float64 `json:"seconds"`      // the import command alone
	PeakRSSKB   int64   `json:"peak_rss_kb"`  // VmHWM at the end
	BaseRSSKB   int64   `json:"base_rss_kb"`  // VmHWM before the import
	AnonKB      int64   `json:"rss_anon_kb"`  // RssAnon right after the import
	FileKB      int64   `json:"rss_file_kb"`  // RssFile (mapped file pages) right after
	TotalAlloc  uint64  `json:"total_alloc"`  // bytes allocated by the import
	Mallocs     uint64  `json:"mallocs"`      // allocations by the import
	NumGC       uint32  `json:"num_gc"`       // collections during the import
	FileBytes   int64   `json:"file_bytes"`   // size of the bbolt file afterwards
	Members     int     `json:"members"`      // members in the store afterwards
	Depts       int     `json:"depts"`        // departments afterwards
	OpLog       int     `json:"oplog"`        // operation-log records afterwards
	ImportExit  int     `json:"import_exit"`  // cmd.Run's exit status
	ImportError string  `json:"import_error"` // its stderr, when it failed
}

const benchResultPrefix = "BENCH-IMPORT-RESULT "

// benchCSV writes the generated member file once and returns its path.
var benchCSV = sync.OnceValues(func() (string, error) {
	c := benchgen.Default()
	if s := os.Getenv("POSTROOM_BENCH_MEMBERS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 25 {
			return "", fmt.Errorf("POSTROOM_BENCH_MEMBERS=%q: give a number of at least 25", s)
		}
		c.Members, c.Depts = n, n/25
	}
	dir := filepath.Join(os.TempDir(), "postroom-bench-g"+benchgen.Version)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(dir, fmt.Sprintf("members-%d.csv", c.Members))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, benchgen.Generate(c).MembersCSV(), 0o600); err != nil {
		return "", err
	}
	return path, os.Rename(tmp, path)
})

func BenchmarkImportMembers(b *testing.B) {
	csvPath, err := benchCSV()
	if err != nil {
		b.Fatal(err)
	}
	st, _ := os.Stat(csvPath)
	b.Logf("importing %s (%d bytes) in a child process", csvPath, st.Size())
	var secs, peak float64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := b.TempDir()
		c := exec.Command(os.Args[0], "-test.run=^TestImportChild$", "-test.count=1", "-test.v")
		c.Env = append(os.Environ(), "POSTROOM_BENCH_IMPORT_CSV="+csvPath, "POSTROOM_BENCH_IMPORT_DATA="+dir)
		var out bytes.Buffer
		c.Stdout, c.Stderr = &out, &out
		b.StartTimer()
		err := c.Run()
		b.StopTimer()
		res, perr := benchParseChild(out.Bytes())
		if err != nil || perr != nil {
			b.Fatalf("child: %v %v\n%s", err, perr, out.String())
		}
		if res.ImportExit != 0 {
			b.Fatalf("import failed (%d): %s", res.ImportExit, res.ImportError)
		}
		b.Logf("import: %.2f s, peak RSS %.1f MB (%.1f MB before; after: anon %.1f MB, file %.1f MB), %.1f MB allocated in %d allocations, %d GCs, file %.1f MB; %d members, %d departments, %d log records",
			res.Seconds, float64(res.PeakRSSKB)/1024, float64(res.BaseRSSKB)/1024, float64(res.AnonKB)/1024, float64(res.FileKB)/1024, float64(res.TotalAlloc)/(1<<20), res.Mallocs, res.NumGC,
			float64(res.FileBytes)/(1<<20), res.Members, res.Depts, res.OpLog)
		secs += res.Seconds
		peak = max(peak, float64(res.PeakRSSKB)/1024)
	}
	b.ReportMetric(secs/float64(b.N), "s/import")
	b.ReportMetric(peak, "MB-peak-RSS")
}

func benchParseChild(out []byte) (benchChildResult, error) {
	var res benchChildResult
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), benchResultPrefix); ok {
			return res, json.Unmarshal([]byte(rest), &res)
		}
	}
	return res, fmt.Errorf("no result line")
}

// TestImportChild is the child side of BenchmarkImportMembers; it does
// nothing unless POSTROOM_BENCH_IMPORT_CSV names the file. The data
// directory is POSTROOM_BENCH_IMPORT_DATA, or a temporary one.
func TestImportChild(t *testing.T) {
	csvPath := os.Getenv("POSTROOM_BENCH_IMPORT_CSV")
	if csvPath == "" {
		t.Skip("only as the child of BenchmarkImportMembers")
	}
	dir := os.Getenv("POSTROOM_BENCH_IMPORT_DATA")
	if dir == "" {
		dir = t.TempDir()
	}
	// What `postroom init` does, with the store options of main.go (fsync
	// on) apart from fast password hashing.
	opt := store.Options{Argon: benchArgon}
	s, err := store.Open(filepath.Join(dir, cmd.DBFile), opt)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Apply(model.System(model.DoorCLI), &model.InitEnterprise{Name: "示例集团", Domain: "corp.example.cn", Admin: benchAdmin, AdminName: "管理员"}); err != nil {
		t.Fatal(err)
	}
	actor, err := cmd.LocalActor(s, "")
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	env := &cmd.Env{Actor: actor, Store: s, Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, DataDir: dir, Local: true}

	var res benchChildResult
	res.BaseRSSKB = benchStatus(t, "VmHWM")
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	start := time.Now()
	res.ImportExit = cmd.Run(env, []string{"import", "members", csvPath, "--create-depts", "--json"})
	res.Seconds = time.Since(start).Seconds()
	runtime.ReadMemStats(&m1)
	res.PeakRSSKB = benchStatus(t, "VmHWM")
	res.AnonKB, res.FileKB = benchStatus(t, "RssAnon"), benchStatus(t, "RssFile")
	res.TotalAlloc, res.Mallocs, res.NumGC = m1.TotalAlloc-m0.TotalAlloc, m1.Mallocs-m0.Mallocs, m1.NumGC-m0.NumGC
	res.ImportError = stderr.String()
	s.Read(func(r *store.Reader) error {
		c := r.Count()
		res.Members, res.Depts, res.OpLog = c.Members, c.Depts, c.OpLog
		return nil
	})
	if st, err := os.Stat(s.Path()); err == nil {
		res.FileBytes = st.Size()
	}
	line, _ := json.Marshal(res)
	fmt.Printf("%s%s\n", benchResultPrefix, line)
}

// benchStatus reads a kB figure of /proc/self/status, such as VmHWM (the
// peak resident set size).
func benchStatus(t *testing.T, field string) int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(l, field+":"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no %s in /proc/self/status", field)
	return 0
}
