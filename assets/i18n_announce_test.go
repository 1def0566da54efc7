package assets

import (
	"reflect"
	"testing"
)

// TestAnnounceCatalog fails on an empty string of the announcements' texts.
func TestAnnounceCatalog(t *testing.T) {
	for _, lang := range Languages {
		v := reflect.ValueOf(AnnounceCatalog(lang))
		for i := range v.NumField() {
			if v.Field(i).String() == "" {
				t.Errorf("%s: AnnounceText.%s is empty", lang, v.Type().Field(i).Name)
			}
		}
	}
}
