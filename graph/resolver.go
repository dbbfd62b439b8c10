package graph

//go:generate go tool gqlgen generate

// Resolver is the root resolver; see deps.go for what it holds.
type Resolver struct {
	Deps
}
