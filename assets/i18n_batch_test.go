package assets

import (
	"reflect"
	"testing"
)

// TestBatchCatalog fails on an empty string of the Batch tasks pane's texts.
func TestBatchCatalog(t *testing.T) {
	for _, lang := range Languages {
		v := reflect.ValueOf(BatchCatalog(lang))
		for i := range v.NumField() {
			if v.Field(i).String() == "" {
				t.Errorf("%s: BatchText.%s is empty", lang, v.Type().Field(i).Name)
			}
		}
	}
}
