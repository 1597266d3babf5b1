package deploy

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stackFiles are the stacks of this folder, in the order they are created.
var stackFiles = []string{
	"network.yaml", "secrets.yaml", "data.yaml", "alb.yaml", "ecs.yaml",
	"alarms.yaml", "codedeploy.yaml", "assets.yaml", "pipeline.yaml",
}

// allTemplates parses every CloudFormation template under deploy/,
// deploy/cloudfront/ included, so that cross-stack imports are checked
// against every export.
func allTemplates(t *testing.T) []*Template {
	t.Helper()
	var paths []string
	for _, pat := range []string{"*.yaml", "*.yml", "cloudfront/*.yaml", "cloudfront/*.yml"} {
		m, err := filepath.Glob(pat)
		require.NoError(t, err)
		paths = append(paths, m...)
	}
	var out []*Template
	for _, p := range paths {
		src, err := os.ReadFile(p)
		require.NoError(t, err)
		if !IsTemplate(src) {
			continue
		}
		tpl, err := ParseTemplate(p, src)
		require.NoError(t, err, "template %s parses", p)
		out = append(out, tpl)
	}
	return out
}

func mustTemplate(t *testing.T, name string) *Template {
	t.Helper()
	tpl, err := LoadTemplate(name)
	require.NoError(t, err)
	return tpl
}

func TestStacksParseAndReferencesResolve(t *testing.T) {
	t.Parallel()
	tpls := allTemplates(t)
	var names []string
	for _, tpl := range tpls {
		names = append(names, tpl.Name)
		for _, err := range tpl.Check() {
			t.Error(err)
		}
	}
	for _, f := range stackFiles {
		assert.Contains(t, names, f, "stack %s is a template", f)
		tpl := mustTemplate(t, f)
		assert.NotNil(t, Get(tpl.Root, "AWSTemplateFormatVersion"), "%s declares its format version", f)
		env := tpl.Parameters["EnvironmentName"]
		if assert.NotNil(t, env, "%s takes the environment as a parameter", f) {
			assert.NotNil(t, Get(env, "AllowedValues"), "%s: EnvironmentName is one of a known set", f)
		}
	}
	assert.GreaterOrEqual(t, len(mustTemplate(t, "ecs.yaml").Imports()), 10, "the task stack imports network, load balancer and secrets")
	for _, err := range unmatchedImports(tpls) {
		t.Error(err)
	}
}

// unmatchedImports returns an error for every Fn::ImportValue that no
// template exports, and for every export name declared twice.
func unmatchedImports(tpls []*Template) []error {
	var errs []error
	exported := map[string]string{}
	for _, tpl := range tpls {
		for _, e := range tpl.Exports() {
			if prev, dup := exported[e]; dup {
				errs = append(errs, &refError{tpl.Name, 0, "export " + e + " is also declared in " + prev})
			}
			exported[e] = tpl.Name
		}
	}
	for _, tpl := range tpls {
		for _, imp := range tpl.Imports() {
			if _, ok := exported[imp.Name]; !ok {
				errs = append(errs, &refError{tpl.Name, imp.Line, "ImportValue " + imp.Name + " is exported by no template"})
			}
		}
	}
	return errs
}

type refError struct {
	file string
	line int
	msg  string
}

func (e *refError) Error() string { return e.file + ":" + strconv.Itoa(e.line) + ": " + e.msg }

// The checker itself must catch each kind of mistake, or the test above
// proves nothing.
func TestCheckerRejectsBrokenTemplates(t *testing.T) {
	t.Parallel()
	const head = "AWSTemplateFormatVersion: \"2010-09-09\"\nParameters:\n  Env: {Type: String}\nConditions:\n  Prod: !Equals [!Ref Env, production]\nMappings:\n  Sizes: {production: {cpu: \"1024\"}}\nResources:\n  Bucket: {Type: AWS::S3::Bucket}\n"
	cases := []struct {
		name, body, want string
	}{
		{"valid", "  Topic:\n    Type: AWS::SNS::Topic\n    Condition: Prod\n    DependsOn: Bucket\n    Properties:\n      TopicName: !Sub \"${Env}-${AWS::Region}-${Bucket}-${Bucket.Arn}-${!Literal}\"\n      DisplayName: !If [Prod, !Ref Bucket, !Ref \"AWS::NoValue\"]\n      Tags:\n        - {Key: a, Value: !GetAtt Bucket.Arn}\n        - {Key: b, Value: {\"Fn::GetAtt\": [Bucket, DomainName]}}\n        - {Key: c, Value: !Sub [\"${X}/${Env}\", {X: !Ref Bucket}]}\n        - {Key: d, Value: !FindInMap [Sizes, !Ref Env, cpu]}\n        - {Key: e, Value: {Ref: Env}}\n", ""},
		{"ref to nothing", "  T: {Type: AWS::SNS::Topic, Properties: {TopicName: !Ref Missing}}\n", `Ref "Missing"`},
		{"long-form ref to nothing", "  T: {Type: AWS::SNS::Topic, Properties: {TopicName: {Ref: Missing}}}\n", `Ref "Missing"`},
		{"getatt of a parameter", "  T: {Type: AWS::SNS::Topic, Properties: {TopicName: !GetAtt Env.Arn}}\n", `GetAtt "Env"`},
		{"long-form getatt to nothing", "  T: {Type: AWS::SNS::Topic, Properties: {TopicName: {\"Fn::GetAtt\": [Nope, Arn]}}}\n", `GetAtt "Nope"`},
		{"sub variable to nothing", "  T: {Type: AWS::SNS::Topic, Properties: {TopicName: !Sub \"${Envv}-x\"}}\n", "Sub ${Envv}"},
		{"sub attribute of nothing", "  T: {Type: AWS::SNS::Topic, Properties: {TopicName: !Sub \"${Nope.Arn}\"}}\n", `"Nope" is not a resource`},
		{"sub with a variable map missing a key", "  T: {Type: AWS::SNS::Topic, Properties: {TopicName: !Sub [\"${X}-${Y}\", {X: a}]}}\n", "Sub ${Y}"},
		{"long-form sub to nothing", "  T: {Type: AWS::SNS::Topic, Properties: {TopicName: {\"Fn::Sub\": \"${Gone}\"}}}\n", "Sub ${Gone}"},
		{"if on an undeclared condition", "  T: {Type: AWS::SNS::Topic, Properties: {TopicName: !If [Staging, a, b]}}\n", `condition "Staging"`},
		{"resource condition undeclared", "  T: {Type: AWS::SNS::Topic, Condition: Staging}\n", `condition "Staging"`},
		{"depends on nothing", "  T: {Type: AWS::SNS::Topic, DependsOn: [Bucket, Gone]}\n", `DependsOn "Gone"`},
		{"find in an undeclared mapping", "  T: {Type: AWS::SNS::Topic, Properties: {TopicName: !FindInMap [Size, a, b]}}\n", `FindInMap "Size"`},
		{"ref nested in join", "  T: {Type: AWS::SNS::Topic, Properties: {TopicName: !Join [\"-\", [a, !Ref Gone]]}}\n", `Ref "Gone"`},
		{"ref inside import", "  T: {Type: AWS::SNS::Topic, Properties: {TopicName: !ImportValue {\"Fn::Sub\": \"${Nowhere}-vpc\"}}}\n", "Sub ${Nowhere}"},
		{"untyped resource", "  T: {Properties: {}}\n", "no AWS:: or Custom:: Type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tpl, err := ParseTemplate(tc.name, []byte(head+tc.body))
			require.NoError(t, err)
			errs := tpl.Check()
			if tc.want == "" {
				assert.Empty(t, errs)
				return
			}
			require.NotEmpty(t, errs, "the checker must reject: %s", tc.name)
			var msgs []string
			for _, e := range errs {
				msgs = append(msgs, e.Error())
			}
			assert.Contains(t, strings.Join(msgs, "\n"), tc.want)
		})
	}
}

func TestImportsMustMatchAnExport(t *testing.T) {
	t.Parallel()
	exporter, err := ParseTemplate("a", []byte("Parameters: {Env: {Type: String}}\nResources: {B: {Type: AWS::S3::Bucket}}\nOutputs:\n  B:\n    Value: !Ref B\n    Export: {Name: !Sub \"${Env}-bucket\"}\n"))
	require.NoError(t, err)
	good, err := ParseTemplate("b", []byte("Parameters: {Env: {Type: String}}\nResources:\n  P:\n    Type: AWS::S3::BucketPolicy\n    Properties: {Bucket: !ImportValue {\"Fn::Sub\": \"${Env}-bucket\"}}\n"))
	require.NoError(t, err)
	typo, err := ParseTemplate("c", []byte("Parameters: {Env: {Type: String}}\nResources:\n  P:\n    Type: AWS::S3::BucketPolicy\n    Properties: {Bucket: {\"Fn::ImportValue\": {\"Fn::Sub\": \"${Env}-bucket-name\"}}}\n"))
	require.NoError(t, err)

	assert.Equal(t, []string{"${Env}-bucket"}, exporter.Exports())
	assert.Empty(t, unmatchedImports([]*Template{exporter, good}))
	errs := unmatchedImports([]*Template{exporter, good, typo})
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Error(), "${Env}-bucket-name")
	assert.NotEmpty(t, unmatchedImports([]*Template{exporter, exporter}), "an export declared twice")
}

func TestIsTemplate(t *testing.T) {
	t.Parallel()
	for f, want := range map[string]bool{"ecs.yaml": true, "appspec.yaml": false, "buildspec.yml": false, "buildspec-migrate.yml": false} {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.Equal(t, want, IsTemplate(src), f)
	}
	assert.True(t, slices.Contains(stackFiles, "ecs.yaml"))
}
