package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"postroom/model"
)

// ExportDir is where a person's exports from the UI are kept, inside the
// data directory: exports/ADDRESS/NAME.
func ExportDir(dataDir string, who model.Address) string {
	return filepath.Join(dataDir, "exports", string(who))
}

// SaveExport writes a person's export and returns its file name.
func SaveExport(dataDir string, who model.Address, name string, data []byte, now time.Time) (string, error) {
	dir := ExportDir(dataDir, who)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("export: %w", err)
	}
	file := now.Format("20060102-150405") + "-" + filepath.Base(name)
	if err := os.WriteFile(filepath.Join(dir, file), data, 0o600); err != nil {
		return "", fmt.Errorf("export: %w", err)
	}
	return file, nil
}

// exportFileCmd streams one of the actor's own exports: the way to take a
// file made in the UI home over SSH.
func exportFileCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "file [NAME]",
		Short: "stream one of your exports from the UI to standard output; without NAME, list them",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			dir := ExportDir(filepath.Dir(env.Store.Path()), env.Actor.Address)
			if len(args) == 0 {
				entries, _ := os.ReadDir(dir)
				for _, e := range entries {
					env.printf("%s\n", e.Name())
				}
				return nil
			}
			name := args[0]
			if name != filepath.Base(name) || strings.HasPrefix(name, ".") {
				return model.Invalidf("give the export's file name as export file lists it")
			}
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				return model.NotFoundf("you have no export %s; list yours with export file", name)
			}
			_, err = env.Stdout.Write(b)
			return err
		},
	}
}
