package config

import (
	"testing"
	"time"
)

func TestWithDefaultsFillsOnlyZeroFields(t *testing.T) {
	t.Parallel()
	type settings struct {
		Timeout time.Duration
		Limit   int
		On      bool
		Name    string
	}
	def := settings{Timeout: time.Minute, Limit: 10, On: true, Name: "x"}
	got := WithDefaults(settings{Limit: 3, Timeout: -1}, def)
	want := settings{Timeout: -1, Limit: 3, On: true, Name: "x"}
	if got != want {
		t.Fatalf("WithDefaults = %+v, want %+v", got, want)
	}
	if WithDefaults(settings{}, def) != def {
		t.Fatal("WithDefaults of the zero value is not the defaults")
	}
}
