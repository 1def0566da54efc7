package assets

import (
	"reflect"
	"testing"
)

// TestBookCatalog fails on an empty string of the address book's texts.
func TestBookCatalog(t *testing.T) {
	for _, lang := range Languages {
		v := reflect.ValueOf(BookCatalog(lang))
		for i := range v.NumField() {
			if v.Field(i).String() == "" {
				t.Errorf("%s: BookText.%s is empty", lang, v.Type().Field(i).Name)
			}
		}
	}
}
