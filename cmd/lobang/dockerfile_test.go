package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dockerBuildFlags are the flags the image and CI build the binary with.
const dockerBuildFlags = "CGO_ENABLED=0 go build -trimpath -tags noembed"

// No Docker engine runs on our machines, so the Dockerfile's promises are
// checked here: static noembed build, static base image, non-root user.
func TestDockerfile(t *testing.T) {
	raw, err := os.ReadFile("../../Dockerfile")
	require.NoError(t, err)
	var stages [][]string
	for line := range strings.SplitSeq(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "FROM ") {
			stages = append(stages, nil)
		}
		require.NotEmpty(t, stages, "instructions before the first FROM: %q", line)
		stages[len(stages)-1] = append(stages[len(stages)-1], line)
	}
	require.GreaterOrEqual(t, len(stages), 2, "multi-stage build")

	build := strings.Join(stages[0], "\n")
	assert.Contains(t, build, dockerBuildFlags)
	assert.Contains(t, build, "./cmd/lobang")

	final := stages[len(stages)-1]
	assert.Regexp(t, `^FROM (gcr\.io/distroless/static|scratch)`, final[0], "static base image")
	var user, expose, entry string
	for _, l := range final {
		switch {
		case strings.HasPrefix(l, "USER "):
			user = strings.TrimPrefix(l, "USER ")
		case strings.HasPrefix(l, "EXPOSE "):
			expose = strings.TrimPrefix(l, "EXPOSE ")
		case strings.HasPrefix(l, "ENTRYPOINT "):
			entry = l
		}
	}
	require.NotEmpty(t, user, "the final stage sets a user")
	uid := strings.Split(user, ":")[0]
	assert.NotContains(t, []string{"0", "root"}, uid, "runs as non-root")
	assert.Equal(t, "8080", expose)
	assert.Contains(t, entry, "lobang")
	assert.Contains(t, strings.Join(final, "\n"), `"healthcheck"`, "the image checks itself without a shell")

	ci, err := os.ReadFile("../../.ci/run")
	require.NoError(t, err)
	assert.Regexp(t, regexp.MustCompile(regexp.QuoteMeta(dockerBuildFlags)), string(ci), ".ci/run builds the binary the image ships")
}
