package deploy

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"lobang/cachepolicy"
)

// goCheck is one Go toolchain invocation: program and subcommand
// ("go test", "gofmt", "go tool templ") with its flags and environment.
type goCheck struct {
	cmd   string
	flags []string
}

var checkStart = regexp.MustCompile(`(?:^|[\s"'(])((?:[A-Z_]+=\S+\s+)*)(gofmt|go (?:vet|test|build|tool templ generate))(?:\s([^;|&)"]*)|$)`)

// goChecks extracts the Go checks of shell lines: .ci/run's script or the
// buildspec's commands (a `docker exec … env VAR=x go …` prefix is only the
// place it runs).
func goChecks(lines []string) []goCheck {
	var out []goCheck
	for _, line := range lines {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		for _, m := range checkStart.FindAllStringSubmatch(line, -1) {
			flags := strings.Fields(m[1])
			for _, f := range strings.Fields(m[3]) {
				if strings.HasPrefix(f, "-") || strings.HasPrefix(f, "./") || f == "noembed" || f == "45m" || strings.HasPrefix(f, "-count") {
					flags = append(flags, f)
				}
			}
			out = append(out, goCheck{cmd: m[2], flags: flags})
		}
	}
	return out
}

// missingChecks returns every check of ci that no check of build matches
// with at least the same flags.
func missingChecks(ci, build []goCheck) []string {
	var missing []string
	for _, want := range ci {
		ok := slices.ContainsFunc(build, func(got goCheck) bool {
			if got.cmd != want.cmd {
				return false
			}
			for _, f := range want.flags {
				if !slices.Contains(got.flags, f) {
					return false
				}
			}
			return true
		})
		if !ok {
			missing = append(missing, want.cmd+" "+strings.Join(want.flags, " "))
		}
	}
	return missing
}

type buildspec struct {
	Env struct {
		Variables map[string]string `yaml:"variables"`
	} `yaml:"env"`
	Phases map[string]struct {
		Commands []string `yaml:"commands"`
	} `yaml:"phases"`
	Artifacts struct {
		Files []string `yaml:"files"`
	} `yaml:"artifacts"`
}

func loadBuildspec(t *testing.T) buildspec {
	t.Helper()
	raw, err := os.ReadFile("buildspec.yml")
	require.NoError(t, err)
	var b buildspec
	require.NoError(t, yaml.Unmarshal(raw, &b))
	return b
}

func (b buildspec) commands() []string {
	var out []string
	for _, ph := range []string{"install", "pre_build", "build", "post_build"} {
		out = append(out, b.Phases[ph].Commands...)
	}
	return out
}

func TestBuildspecRunsTheChecksOfCI(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../.ci/run")
	require.NoError(t, err)
	ciLines := strings.Split(string(raw), "\n")
	ci := goChecks(ciLines)
	var names []string
	for _, c := range ci {
		names = append(names, c.cmd)
	}
	// .ci/run's checks as this test understands them: if it ever reads
	// fewer, the comparison below would prove less.
	require.Subset(t, names, []string{"gofmt", "go vet", "go tool templ generate", "go build", "go test"})

	b := loadBuildspec(t)
	build := goChecks(b.commands())
	assert.Empty(t, missingChecks(ci, build), "checks .ci/run makes that the buildspec does not")

	// The test servers CI exports are configured for the buildspec's tests too.
	for _, m := range regexp.MustCompile(`export (LOBANG_[A-Z_]+)=`).FindAllStringSubmatch(string(raw), -1) {
		assert.NotEmpty(t, b.Env.Variables[m[1]], "buildspec sets %s like .ci/run", m[1])
	}

	// The comparison can fail: drop the race detector, the noembed tag or
	// the templ check and it reports them.
	weaker := []string{
		"docker exec gobuild gofmt -l .",
		"docker exec gobuild go vet ./...",
		"docker exec gobuild env CGO_ENABLED=0 go build -trimpath -o out/lobang ./cmd/lobang",
		"docker exec gobuild go test -count=1 -timeout 45m ./...",
	}
	missing := strings.Join(missingChecks(ci, goChecks(weaker)), "\n")
	assert.Contains(t, missing, "go build CGO_ENABLED=0 -trimpath -tags noembed")
	assert.Contains(t, missing, "go test -race")
	assert.Contains(t, missing, "go tool templ generate -check")
}

func TestBuildspecShipsImageAssetsAndRelease(t *testing.T) {
	t.Parallel()
	b := loadBuildspec(t)
	all := strings.Join(b.commands(), "\n")
	assert.Contains(t, all, `docker push "$ECR_REPOSITORY_URI:$IMAGE_TAG"`)
	assert.Contains(t, all, `IMAGE_TAG="${CODEBUILD_RESOLVED_SOURCE_VERSION}"`, "images are tagged with the commit")
	assert.Regexp(t, `lobang assets export \S+`, all)
	assert.Regexp(t, `aws s3 sync \S+ "s3://\$ASSETS_BUCKET/assets"`, all)
	assert.NotContains(t, all, "--delete", "the release still serving keeps its assets")
	assert.Equal(t, cachepolicy.For(cachepolicy.Immutable).CacheControl, b.Env.Variables["ASSETS_CACHE_CONTROL"],
		"assets in S3 carry the Cache-Control the app sends for them")

	// The assets reach S3 before the pipeline's deploy stage: the sync is in
	// the build, which precedes Migrate and Deploy.
	pipe := mustTemplate(t, "pipeline.yaml")
	var stages []string
	for _, st := range Get(pipe.Resources["Pipeline"], "Properties", "Stages").Content {
		stages = append(stages, Get(st, "Name").Value)
	}
	assert.Equal(t, []string{"Source", "Build", "Migrate", "Deploy"}, stages)

	// Every file a later action reads is an artifact of the build.
	for _, f := range []string{"taskdef.json", "appspec.yaml", "imageDetail.json", "imagedefinitions.json", "image.txt", "buildspec-migrate.yml"} {
		assert.Contains(t, b.Artifacts.Files, f)
	}
	migrate := Get(pipe.Resources["MigrateProject"], "Properties", "Source", "BuildSpec").Value
	assert.Contains(t, b.Artifacts.Files, migrate)
	raw, err := os.ReadFile(migrate)
	require.NoError(t, err)
	assert.Contains(t, string(raw), "aws ecs run-task")
	assert.Contains(t, string(raw), `test "$EXIT_CODE" = 0`, "a failed migration stops the pipeline")
	var worker string
	for _, c := range ecsContainers(t, "WorkerTaskDefinition") {
		worker = c.Name
	}
	assert.Contains(t, all, `[{"name":"`+worker+`"`, "imagedefinitions.json names the worker container")
}
