package model

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// eachCSVRow reads a CSV file's records after its header row, for the
// imports that check one row at a time: a record the csv package cannot
// read goes into errs (with csvProblem's advice) and is skipped, and so is
// a blank one; fn gets each other record with the line it starts on. what
// names the file in a read error ("contacts").
func eachCSVRow(cr *csv.Reader, what string, errs *[]RowError, fn func(line int, rec []string)) error {
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			*errs = append(*errs, RowError{Line: pe.StartLine, Reason: csvProblem(pe)})
			continue
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", what, err)
		}
		line, _ := cr.FieldPos(0)
		if blankRecord(rec) {
			continue
		}
		fn(line, rec)
	}
}

// blankRecord reports whether every cell of a record is empty or spaces.
func blankRecord(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// csvCell is the cell of the column key in rec, trimmed and with Excel's
// formula guard taken off; "" when the file has no such column.
func csvCell(index map[string]int, rec []string, key string) string {
	i, ok := index[key]
	if !ok || i >= len(rec) {
		return ""
	}
	return unescapeFormula(strings.TrimSpace(rec[i]))
}

// CSVColumn is one column of an import's CSV: its English and Chinese
// header names and the further names accepted.
type CSVColumn struct {
	Key      string   // the English header name
	ZH       string   // the Chinese header name
	Aliases  []string // further header names accepted
	Required bool
}

// names reports whether a cleaned header name (cleanHeader) names the column.
func (c CSVColumn) names(name string) bool {
	return name == c.Key || name == strings.ToLower(c.ZH) || slices.ContainsFunc(c.Aliases, func(a string) bool { return name == strings.ToLower(a) })
}

// acceptedColumns lists every name the columns are accepted under, for
// the error about a header row.
func acceptedColumns(cols []CSVColumn) string {
	var all []string
	for _, c := range cols {
		all = append(all, strings.Join(append([]string{c.Key, c.ZH}, c.Aliases...), "/"))
	}
	return strings.Join(all, ", ")
}
