package openapitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// CheckKeySets makes s compare, in every success answer it checks, each
// object's keys with the properties the spec documents for that object, at
// every depth: a documented property that is missing fails the test, and so
// does a key the spec does not document. A null value counts as present: it
// is Stytch's empty value for an object or id it leaves unset. Objects whose
// schema lists no properties (metadata, free-form details) are not compared.
//
// sparse names properties that may be left out, as "schema.property" where
// schema is the name under components/schemas and property is a path.Match
// pattern; for example "api_session_v1_AuthenticationFactor.*_factor", since
// an authentication factor carries only the detail object of its own kind.
func (s *Spec) CheckKeySets(sparse ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keySets = true
	s.sparse = append(s.sparse, sparse...)
}

// keySetProblems lists where body's key sets differ from the schema of the
// operation's answer with this status.
func (s *Spec) keySetProblems(in *openapi3filter.RequestValidationInput, status int, body []byte) []string {
	s.mu.Lock()
	on, sparse := s.keySets, slices.Clone(s.sparse)
	s.mu.Unlock()
	if !on || status >= 400 {
		return nil
	}
	ref := in.Route.Operation.Responses.Status(status)
	if ref == nil || ref.Value == nil {
		return nil
	}
	mt := ref.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil // the schema check says so
	}
	w := keyWalker{sparse: sparse}
	w.walk("$", mt.Schema, v)
	return w.problems
}

type keyWalker struct {
	sparse   []string
	problems []string
}

func schemaName(ref *openapi3.SchemaRef) string {
	return strings.TrimPrefix(ref.Ref, "#/components/schemas/")
}

func (w *keyWalker) optional(schema, prop string) bool {
	for _, p := range w.sparse {
		name, pattern, ok := strings.Cut(p, ".")
		if !ok || name != schema {
			continue
		}
		if m, _ := path.Match(pattern, prop); m {
			return true
		}
	}
	return false
}

func (w *keyWalker) walk(at string, ref *openapi3.SchemaRef, v any) {
	if ref == nil || ref.Value == nil || v == nil {
		return
	}
	sch := ref.Value
	switch v := v.(type) {
	case []any:
		for i, e := range v {
			w.walk(fmt.Sprintf("%s[%d]", at, i), sch.Items, e)
		}
	case map[string]any:
		if len(sch.Properties) == 0 {
			// A map of documented objects (members/search's organizations),
			// or a free-form object, which is not compared.
			if extra := sch.AdditionalProperties.Schema; extra != nil {
				for k, e := range v {
					w.walk(at+"."+k, extra, e)
				}
			}
			return
		}
		name := schemaName(ref)
		var missing, unknown []string
		for prop := range sch.Properties {
			if _, ok := v[prop]; !ok && !w.optional(name, prop) {
				missing = append(missing, prop)
			}
		}
		for k, e := range v {
			p, ok := sch.Properties[k]
			if !ok {
				unknown = append(unknown, k)
				continue
			}
			w.walk(at+"."+k, p, e)
		}
		slices.Sort(missing)
		slices.Sort(unknown)
		label := at
		if name != "" {
			label += " (" + name + ")"
		}
		if len(missing) > 0 {
			w.problems = append(w.problems, fmt.Sprintf("%s lacks documented %s", label, strings.Join(missing, ", ")))
		}
		if len(unknown) > 0 {
			w.problems = append(w.problems, fmt.Sprintf("%s has undocumented %s", label, strings.Join(unknown, ", ")))
		}
	}
}
