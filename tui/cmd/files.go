package cmd

import (
	"os"

	"postroom/model"
)

// openFile opens a file named on the local command line.
func openFile(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, model.NotFoundf("no file %s", path)
		}
		return nil, err
	}
	return f, nil
}
