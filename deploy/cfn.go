package deploy

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Template is one parsed CloudFormation template with its declared names.
type Template struct {
	Name       string     // file name, for messages
	Root       *yaml.Node // the top-level mapping
	Parameters map[string]*yaml.Node
	Resources  map[string]*yaml.Node
	Conditions map[string]*yaml.Node
	Mappings   map[string]*yaml.Node
	Outputs    map[string]*yaml.Node
}

// Import is one Fn::ImportValue: the export name it asks for, as written
// (a Sub template such as "${EnvironmentName}-lobang-vpc" stays a template).
type Import struct {
	Name string
	Line int
}

// PseudoParameters are the names every template may Ref without declaring.
var PseudoParameters = []string{
	"AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition",
	"AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix",
}

// LoadTemplate reads and parses a template file.
func LoadTemplate(path string) (*Template, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read template: %w", err)
	}
	return ParseTemplate(path, src)
}

// ParseTemplate parses a CloudFormation template written in YAML, keeping
// the short-form intrinsic tags (!Ref, !Sub, !GetAtt …) on the nodes.
func ParseTemplate(name string, src []byte) (*Template, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: not a YAML mapping", name)
	}
	t := &Template{Name: name, Root: doc.Content[0]}
	sections := map[string]*map[string]*yaml.Node{
		"Parameters": &t.Parameters, "Resources": &t.Resources, "Conditions": &t.Conditions,
		"Mappings": &t.Mappings, "Outputs": &t.Outputs,
	}
	for i := 0; i < len(t.Root.Content); i += 2 {
		key, val := t.Root.Content[i], t.Root.Content[i+1]
		dst, ok := sections[key.Value]
		if !ok {
			continue
		}
		if val.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("%s:%d: %s is not a mapping", name, val.Line, key.Value)
		}
		*dst = map[string]*yaml.Node{}
		for j := 0; j < len(val.Content); j += 2 {
			(*dst)[val.Content[j].Value] = val.Content[j+1]
		}
	}
	if len(t.Resources) == 0 {
		return nil, fmt.Errorf("%s: no Resources", name)
	}
	return t, nil
}

// IsTemplate reports whether YAML source looks like a CloudFormation
// template (and not a buildspec or an appspec).
func IsTemplate(src []byte) bool {
	var probe struct {
		Version   string         `yaml:"AWSTemplateFormatVersion"`
		Resources map[string]any `yaml:"Resources"`
	}
	// A sequence of Resources (an appspec) fails to decode into a map.
	if err := yaml.Unmarshal(src, &probe); err != nil {
		return false
	}
	return probe.Version != "" || len(probe.Resources) > 0
}

// Get follows mapping keys from n and returns the node found, or nil.
func Get(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
				break
			}
		}
		n = next
	}
	return n
}

// Check returns one error for every reference that names nothing declared:
// Ref, GetAtt, the variables of Sub, If and Condition, FindInMap, DependsOn.
// It also rejects resources without an AWS:: or Custom:: type.
func (t *Template) Check() []error {
	c := &checker{t: t}
	for name, r := range t.Resources {
		typ := Get(r, "Type")
		if typ == nil || !(strings.HasPrefix(typ.Value, "AWS::") || strings.HasPrefix(typ.Value, "Custom::")) {
			c.errorf(r, "resource %s has no AWS:: or Custom:: Type", name)
		}
		if dep := Get(r, "DependsOn"); dep != nil {
			for _, d := range scalars(dep) {
				if _, ok := t.Resources[d.Value]; !ok {
					c.errorf(d, "DependsOn %q is not a resource", d.Value)
				}
			}
		}
	}
	c.walk(t.Root)
	return c.errs
}

// Exports returns the names under Outputs.*.Export.Name, as written.
func (t *Template) Exports() []string {
	var out []string
	for _, o := range t.Outputs {
		if n := Get(o, "Export", "Name"); n != nil {
			if s, ok := literalOrSub(n); ok {
				out = append(out, s)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Imports returns every Fn::ImportValue in the template.
func (t *Template) Imports() []Import {
	c := &checker{t: t}
	c.walk(t.Root)
	return c.imports
}

// literalOrSub returns the string of a plain scalar, a !Sub scalar or a
// {Fn::Sub: scalar} mapping.
func literalOrSub(n *yaml.Node) (string, bool) {
	switch {
	case n.Kind == yaml.ScalarNode && (n.Tag == "!Sub" || !isIntrinsic(n.Tag)):
		return n.Value, true
	case n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "Fn::Sub" && n.Content[1].Kind == yaml.ScalarNode:
		return n.Content[1].Value, true
	}
	return "", false
}

// isIntrinsic reports whether a node tag is a CloudFormation short form
// (!Ref) rather than a YAML core tag (!!str).
func isIntrinsic(tag string) bool {
	return strings.HasPrefix(tag, "!") && !strings.HasPrefix(tag, "!!")
}

func scalars(n *yaml.Node) []*yaml.Node {
	if n.Kind == yaml.ScalarNode {
		return []*yaml.Node{n}
	}
	var out []*yaml.Node
	for _, c := range n.Content {
		if c.Kind == yaml.ScalarNode {
			out = append(out, c)
		}
	}
	return out
}

type checker struct {
	t       *Template
	errs    []error
	imports []Import
}

func (c *checker) errorf(n *yaml.Node, format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf("%s:%d: %s", c.t.Name, n.Line, fmt.Sprintf(format, args...)))
}

// longForm maps the long intrinsic names to their short tags.
var longForm = map[string]string{
	"Ref": "!Ref", "Fn::GetAtt": "!GetAtt", "Fn::Sub": "!Sub", "Fn::If": "!If",
	"Fn::ImportValue": "!ImportValue", "Fn::FindInMap": "!FindInMap",
}

func (c *checker) walk(n *yaml.Node) {
	if n == nil {
		return
	}
	if isIntrinsic(n.Tag) {
		c.intrinsic(n.Tag, n, n)
		return
	}
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, ch := range n.Content {
			c.walk(ch)
		}
	case yaml.MappingNode:
		if len(n.Content) == 2 {
			if tag, ok := longForm[n.Content[0].Value]; ok {
				c.intrinsic(tag, n.Content[1], n.Content[0])
				return
			}
		}
		for i := 0; i < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			// Condition: Name (on a resource, an output, or Fn::Condition's
			// long form). An IAM policy's Condition is a mapping: walked.
			if k.Value == "Condition" && v.Kind == yaml.ScalarNode && !isIntrinsic(v.Tag) {
				c.condition(v)
				continue
			}
			c.walk(v)
		}
	}
}

// intrinsic checks one function call; arg is its argument node (for a short
// form, the tagged node itself), at is where to report.
func (c *checker) intrinsic(tag string, arg, at *yaml.Node) {
	switch tag {
	case "!Ref":
		if arg.Kind != yaml.ScalarNode {
			c.errorf(at, "Ref takes a name")
			return
		}
		c.ref(arg, arg.Value)
	case "!GetAtt":
		var res string
		switch {
		case arg.Kind == yaml.ScalarNode:
			res, _, _ = strings.Cut(arg.Value, ".")
		case arg.Kind == yaml.SequenceNode && len(arg.Content) == 2:
			res = arg.Content[0].Value
			c.walk(arg.Content[1])
		default:
			c.errorf(at, "GetAtt takes Resource.Attribute")
			return
		}
		if _, ok := c.t.Resources[res]; !ok {
			c.errorf(arg, "GetAtt %q is not a resource", res)
		}
	case "!Sub":
		switch {
		case arg.Kind == yaml.ScalarNode:
			c.sub(arg, arg.Value, nil)
		case arg.Kind == yaml.SequenceNode && len(arg.Content) == 2 && arg.Content[1].Kind == yaml.MappingNode:
			vars := map[string]bool{}
			m := arg.Content[1]
			for i := 0; i < len(m.Content); i += 2 {
				vars[m.Content[i].Value] = true
				c.walk(m.Content[i+1])
			}
			c.sub(arg.Content[0], arg.Content[0].Value, vars)
		default:
			c.errorf(at, "Sub takes a string or [string, {variables}]")
		}
	case "!If":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 3 {
			c.errorf(at, "If takes [condition, then, else]")
			return
		}
		c.condition(arg.Content[0])
		c.walk(arg.Content[1])
		c.walk(arg.Content[2])
	case "!Condition":
		c.condition(arg)
	case "!ImportValue":
		if arg.Tag == "!ImportValue" && len(arg.Content) == 0 && arg.Kind != yaml.ScalarNode {
			c.errorf(at, "ImportValue without a name")
			return
		}
		inner := arg
		if arg.Tag == "!ImportValue" {
			// The short form tags the argument node itself: look at it untagged.
			cp := *arg
			cp.Tag = ""
			inner = &cp
			if arg.Kind == yaml.ScalarNode {
				inner.Tag = "!!str"
			}
		}
		name, ok := literalOrSub(inner)
		if !ok {
			c.errorf(at, "ImportValue name must be a string or a Sub")
			return
		}
		c.imports = append(c.imports, Import{Name: name, Line: at.Line})
		c.walk(inner)
	case "!FindInMap":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 3 {
			c.errorf(at, "FindInMap takes [map, key, key]")
			return
		}
		if m := arg.Content[0]; m.Kind == yaml.ScalarNode && !isIntrinsic(m.Tag) {
			if _, ok := c.t.Mappings[m.Value]; !ok {
				c.errorf(m, "FindInMap %q is not a mapping", m.Value)
			}
		}
		for _, ch := range arg.Content {
			c.walk(ch)
		}
	default: // !Join, !Select, !Split, !Equals, !Not, !And, !Or, !GetAZs, !Base64, !Cidr …
		cp := *arg
		cp.Tag = ""
		if cp.Kind == yaml.ScalarNode {
			return
		}
		c.walk(&cp)
	}
}

func (c *checker) ref(at *yaml.Node, name string) {
	if _, ok := c.t.Parameters[name]; ok {
		return
	}
	if _, ok := c.t.Resources[name]; ok {
		return
	}
	if slices.Contains(PseudoParameters, name) {
		return
	}
	c.errorf(at, "Ref %q is not a parameter, resource or pseudo parameter", name)
}

func (c *checker) condition(n *yaml.Node) {
	if n.Kind != yaml.ScalarNode {
		c.walk(n)
		return
	}
	if _, ok := c.t.Conditions[n.Value]; !ok {
		c.errorf(n, "condition %q is not declared", n.Value)
	}
}

var subVar = regexp.MustCompile(`\$\{([^}]*)\}`)

func (c *checker) sub(at *yaml.Node, s string, vars map[string]bool) {
	for _, m := range subVar.FindAllStringSubmatch(s, -1) {
		name := strings.TrimSpace(m[1])
		if strings.HasPrefix(name, "!") { // ${!Literal} is text
			continue
		}
		if vars[name] {
			continue
		}
		if res, _, ok := strings.Cut(name, "."); ok && !strings.HasPrefix(name, "AWS::") {
			if _, ok := c.t.Resources[res]; !ok {
				c.errorf(at, "Sub ${%s}: %q is not a resource", name, res)
			}
			continue
		}
		if _, ok := c.t.Parameters[name]; ok {
			continue
		}
		if _, ok := c.t.Resources[name]; ok {
			continue
		}
		if slices.Contains(PseudoParameters, name) {
			continue
		}
		c.errorf(at, "Sub ${%s} names no parameter, resource, pseudo parameter or variable", name)
	}
}
