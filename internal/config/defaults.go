package config

import "reflect"

// WithDefaults returns v with every zero field set to def's: how a struct of settings whose zero
// fields mean "the default" is completed, in one place. T must be a struct type.
func WithDefaults[T any](v, def T) T {
	rv := reflect.ValueOf(&v).Elem()
	dv := reflect.ValueOf(def)
	for i := range rv.NumField() {
		if f := rv.Field(i); f.CanSet() && f.IsZero() {
			f.Set(dv.Field(i))
		}
	}
	return v
}
