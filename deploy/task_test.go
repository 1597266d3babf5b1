package deploy

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// image is what the final stage of the Dockerfile promises.
type image struct {
	user, expose string
	entrypoint   []string
	healthcheck  []string // exec form after CMD
	base         string
}

func parseDockerfile(t *testing.T, src string) image {
	t.Helper()
	var img image
	for line := range strings.SplitSeq(src, "\n") {
		line = strings.TrimSpace(line)
		instr, rest, _ := strings.Cut(line, " ")
		switch strings.ToUpper(instr) {
		case "FROM":
			img = image{base: strings.Fields(rest)[0]} // only the final stage counts
		case "USER":
			img.user = rest
		case "EXPOSE":
			img.expose = strings.TrimSuffix(rest, "/tcp")
		case "ENTRYPOINT":
			require.NoError(t, json.Unmarshal([]byte(rest), &img.entrypoint), "ENTRYPOINT in exec form")
		case "HEALTHCHECK":
			_, cmd, ok := strings.Cut(rest, "CMD ")
			require.True(t, ok, "HEALTHCHECK CMD")
			require.NoError(t, json.Unmarshal([]byte(cmd), &img.healthcheck), "HEALTHCHECK in exec form")
		}
	}
	return img
}

// container is the part of an ECS container definition the checks compare,
// read from ecs.yaml or taskdef.json.
type container struct {
	Name        string
	Command     []string
	User        string
	Ports       []int
	HealthCheck []string
	StopTimeout int
	Env         map[string]string
	Secrets     map[string]string
}

func fromYAML(t *testing.T, n *yaml.Node) container {
	t.Helper()
	scalar := func(n *yaml.Node) string {
		if n == nil {
			return ""
		}
		if isIntrinsic(n.Tag) {
			return n.Tag + " " + n.Value
		}
		return n.Value
	}
	list := func(n *yaml.Node) []string {
		var out []string
		if n != nil {
			for _, c := range n.Content {
				out = append(out, scalar(c))
			}
		}
		return out
	}
	c := container{Name: scalar(Get(n, "Name")), Command: list(Get(n, "Command")), User: scalar(Get(n, "User")),
		HealthCheck: list(Get(n, "HealthCheck", "Command")), Env: map[string]string{}, Secrets: map[string]string{}}
	if st := Get(n, "StopTimeout"); st != nil {
		require.NoError(t, st.Decode(&c.StopTimeout))
	}
	if pm := Get(n, "PortMappings"); pm != nil {
		for _, p := range pm.Content {
			var port int
			require.NoError(t, Get(p, "ContainerPort").Decode(&port))
			c.Ports = append(c.Ports, port)
		}
	}
	if env := Get(n, "Environment"); env != nil {
		for _, e := range env.Content {
			c.Env[Get(e, "Name").Value] = scalar(Get(e, "Value"))
		}
	}
	if sec := Get(n, "Secrets"); sec != nil {
		for _, s := range sec.Content {
			vf := Get(s, "ValueFrom")
			c.Secrets[Get(s, "Name").Value] = scalar(vf)
			if !isIntrinsic(vf.Tag) && vf.Kind == yaml.ScalarNode {
				t.Errorf("secret %s of %s is a literal %q, not a reference to Secrets Manager", Get(s, "Name").Value, c.Name, vf.Value)
			}
		}
	}
	return c
}

func ecsContainers(t *testing.T, family string) []container {
	t.Helper()
	tpl := mustTemplate(t, "ecs.yaml")
	defs := Get(tpl.Resources[family], "Properties", "ContainerDefinitions")
	require.NotNil(t, defs, "%s has containers", family)
	var out []container
	for _, d := range defs.Content {
		out = append(out, fromYAML(t, d))
	}
	return out
}

type taskdefJSON struct {
	Family               string `json:"family"`
	ContainerDefinitions []struct {
		Name         string   `json:"name"`
		Image        string   `json:"image"`
		Command      []string `json:"command"`
		User         string   `json:"user"`
		PortMappings []struct {
			ContainerPort int `json:"containerPort"`
		} `json:"portMappings"`
		HealthCheck *struct {
			Command []string `json:"command"`
		} `json:"healthCheck"`
		StopTimeout int `json:"stopTimeout"`
		Environment []struct {
			Name, Value string
		} `json:"environment"`
		Secrets []struct {
			Name      string `json:"name"`
			ValueFrom string `json:"valueFrom"`
		} `json:"secrets"`
	} `json:"containerDefinitions"`
}

func loadTaskdef(t *testing.T) (taskdefJSON, []container, string) {
	t.Helper()
	raw, err := os.ReadFile("taskdef.json")
	require.NoError(t, err)
	var td taskdefJSON
	require.NoError(t, json.Unmarshal(raw, &td))
	var out []container
	for _, d := range td.ContainerDefinitions {
		c := container{Name: d.Name, Command: d.Command, User: d.User, StopTimeout: d.StopTimeout, Env: map[string]string{}, Secrets: map[string]string{}}
		for _, p := range d.PortMappings {
			c.Ports = append(c.Ports, p.ContainerPort)
		}
		if d.HealthCheck != nil {
			c.HealthCheck = d.HealthCheck.Command
		}
		for _, e := range d.Environment {
			c.Env[e.Name] = e.Value
		}
		for _, s := range d.Secrets {
			c.Secrets[s.Name] = s.ValueFrom
		}
		out = append(out, c)
	}
	return td, out, string(raw)
}

// serverCommands lists the subcommands cmd/lobang's switch knows.
func serverCommands(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile("../cmd/lobang/main.go")
	require.NoError(t, err)
	var out []string
	for _, m := range regexp.MustCompile(`case "([a-z]+)":`).FindAllStringSubmatch(string(src), -1) {
		out = append(out, m[1])
	}
	require.NotEmpty(t, out)
	return out
}

// checkTask returns what is wrong with a task's main container against the
// image and the server; a table of broken containers below proves that each
// rule can fail.
func checkTask(c container, img image, commands []string, web bool) []string {
	var bad []string
	if len(c.Command) == 0 || !slices.Contains(commands, c.Command[0]) {
		bad = append(bad, "command "+strings.Join(c.Command, " ")+" is not a lobang subcommand")
	}
	if c.User != img.user {
		bad = append(bad, "user "+c.User+" is not the image's "+img.user)
	}
	if uid, _, _ := strings.Cut(c.User, ":"); uid == "" || uid == "0" || uid == "root" {
		bad = append(bad, "runs as root")
	}
	if web {
		if !slices.Equal(c.Ports, []int{mustAtoi(img.expose)}) {
			bad = append(bad, "ports are not the image's EXPOSE "+img.expose)
		}
		if _, port, _ := strings.Cut(c.Env["LOBANG_ADDR"], ":"); port != img.expose {
			bad = append(bad, "LOBANG_ADDR does not listen on the exposed port")
		}
		want := append([]string{"CMD"}, img.healthcheck...)
		if !slices.Equal(c.HealthCheck, want) || !slices.Equal(img.healthcheck, append(slices.Clone(img.entrypoint), "healthcheck")) {
			bad = append(bad, "health check is not ENTRYPOINT + healthcheck")
		}
	}
	if len(c.HealthCheck) > 0 && len(c.Ports) == 0 {
		bad = append(bad, "a health check on a container that listens nowhere always fails")
	}
	for _, s := range []string{"LOBANG_MYSQL_DSN", "LOBANG_REDIS_URL", "LOBANG_SESSION_KEYS", "LOBANG_METRICS_TOKEN"} {
		if _, plain := c.Env[s]; plain {
			bad = append(bad, s+" is a plain environment value")
		}
		if _, ok := c.Secrets[s]; !ok && (web || s != "LOBANG_METRICS_TOKEN") {
			bad = append(bad, s+" is not among the secrets")
		}
	}
	drain, err1 := time.ParseDuration(c.Env["LOBANG_DRAIN_DELAY"])
	shutdown, err2 := time.ParseDuration(c.Env["LOBANG_SHUTDOWN_TIMEOUT"])
	stop := time.Duration(c.StopTimeout) * time.Second
	switch {
	case err1 != nil || err2 != nil:
		bad = append(bad, "LOBANG_DRAIN_DELAY and LOBANG_SHUTDOWN_TIMEOUT must be set in the task")
	case stop < drain+shutdown+5*time.Second:
		bad = append(bad, "stopTimeout "+stop.String()+" is shorter than drain + shutdown + 5s")
	case stop > 120*time.Second:
		bad = append(bad, "stopTimeout above Fargate's 120s")
	}
	return bad
}

func mustAtoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

func TestTasksMatchImageAndServer(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../Dockerfile")
	require.NoError(t, err)
	img := parseDockerfile(t, string(raw))
	require.Equal(t, "8080", img.expose)
	require.Equal(t, []string{"/usr/local/bin/lobang"}, img.entrypoint)
	commands := serverCommands(t)

	web := ecsContainers(t, "WebTaskDefinition")
	assert.Equal(t, "web", web[0].Name)
	assert.Equal(t, []string{"serve"}, web[0].Command)
	assert.Empty(t, checkTask(web[0], img, commands, true), "web task in ecs.yaml")

	worker := ecsContainers(t, "WorkerTaskDefinition")
	assert.Equal(t, []string{"worker"}, worker[0].Command)
	assert.Empty(t, checkTask(worker[0], img, commands, false), "worker task in ecs.yaml")

	migrate := ecsContainers(t, "MigrateTaskDefinition")
	assert.Equal(t, []string{"migrate", "up"}, migrate[0].Command)
	assert.True(t, slices.Contains(commands, "migrate"))

	_, fromJSON, _ := loadTaskdef(t)
	assert.Empty(t, checkTask(fromJSON[0], img, commands, true), "web task in taskdef.json")

	// Each rule can fail.
	broken := map[string]func(c *container){
		"unknown command":      func(c *container) { c.Command = []string{"server"} },
		"root user":            func(c *container) { c.User = "0" },
		"other user":           func(c *container) { c.User = "1000:1000" },
		"wrong port":           func(c *container) { c.Ports = []int{80} },
		"addr elsewhere":       func(c *container) { c.Env["LOBANG_ADDR"] = ":9090" },
		"shell health check":   func(c *container) { c.HealthCheck = []string{"CMD-SHELL", "curl -f localhost:8080/healthz"} },
		"secret in plain env":  func(c *container) { c.Env["LOBANG_SESSION_KEYS"] = "k" },
		"secret missing":       func(c *container) { delete(c.Secrets, "LOBANG_REDIS_URL") },
		"stop before drain":    func(c *container) { c.StopTimeout = 30 },
		"drain not configured": func(c *container) { delete(c.Env, "LOBANG_DRAIN_DELAY") },
		"stop too long":        func(c *container) { c.StopTimeout = 180 },
	}
	for name, breakIt := range broken {
		c := web[0]
		c.Env, c.Secrets = maps(c.Env), maps(c.Secrets)
		breakIt(&c)
		assert.NotEmpty(t, checkTask(c, img, commands, true), "must reject: %s", name)
	}
	assert.NotEmpty(t, checkTask(container{Command: []string{"worker"}, User: img.user, HealthCheck: []string{"CMD", "x"}}, img, commands, false), "health check without a port")
}

func maps(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// taskdef.json is what CodeDeploy registers on every release; it must say
// what the stack's web task says, with placeholders the build fills.
func TestTaskdefJSONMatchesStack(t *testing.T) {
	t.Parallel()
	td, fromJSON, raw := loadTaskdef(t)
	fromStack := ecsContainers(t, "WebTaskDefinition")
	require.Len(t, fromJSON, len(fromStack))
	for i := range fromStack {
		s, j := fromStack[i], fromJSON[i]
		assert.Equal(t, s.Name, j.Name)
		assert.Equal(t, s.Command, j.Command, s.Name)
		assert.Equal(t, s.User, j.User, s.Name)
		assert.Equal(t, s.Ports, j.Ports, s.Name)
		assert.Equal(t, s.HealthCheck, j.HealthCheck, s.Name)
		assert.Equal(t, s.StopTimeout, j.StopTimeout, s.Name)
		assert.ElementsMatch(t, keys(s.Env), keys(j.Env), "%s environment names", s.Name)
		assert.ElementsMatch(t, keys(s.Secrets), keys(j.Secrets), "%s secret names", s.Name)
		for k, v := range s.Env {
			if !strings.HasPrefix(v, "!") && k != "CW_CONFIG_CONTENT" {
				assert.Equal(t, v, j.Env[k], "%s %s", s.Name, k)
			}
		}
	}
	assert.Equal(t, "<IMAGE1_NAME>", td.ContainerDefinitions[0].Image, "CodeDeploy puts the built image here")
	pipe := mustTemplate(t, "pipeline.yaml")
	var action *yaml.Node
	for _, st := range Get(pipe.Resources["Pipeline"], "Properties", "Stages").Content {
		for _, a := range Get(st, "Actions").Content {
			if Get(a, "ActionTypeId", "Provider").Value == "CodeDeployToECS" {
				action = Get(a, "Configuration")
			}
		}
	}
	require.NotNil(t, action, "the pipeline deploys with CodeDeployToECS")
	assert.Equal(t, "IMAGE1_NAME", Get(action, "Image1ContainerName").Value)
	assert.Equal(t, "taskdef.json", Get(action, "TaskDefinitionTemplatePath").Value)
	assert.Equal(t, "appspec.yaml", Get(action, "AppSpecTemplatePath").Value)

	// Every @PLACEHOLDER@ is filled by the buildspec from a variable the
	// build project defines (or CodeBuild itself).
	spec, err := os.ReadFile("buildspec.yml")
	require.NoError(t, err)
	vars := map[string]bool{"AWS_REGION": true}
	for _, v := range Get(pipe.Resources["BuildProject"], "Properties", "Environment", "EnvironmentVariables").Content {
		vars[Get(v, "Name").Value] = true
	}
	for _, m := range regexp.MustCompile(`@([A-Z_]+)@`).FindAllStringSubmatch(raw, -1) {
		sed := regexp.MustCompile(`s\|@` + m[1] + `@\|\$([A-Z_]+)\|g`).FindStringSubmatch(string(spec))
		if assert.NotNil(t, sed, "buildspec fills @%s@", m[1]) {
			assert.True(t, vars[sed[1]], "$%s is defined for the build", sed[1])
		}
	}
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// CodeDeploy shifts the target groups between the container and port the
// appspec names; they must be the web container's and the target groups'.
func TestAppspecMatchesServiceAndTargetGroups(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("appspec.yaml")
	require.NoError(t, err)
	var spec struct {
		Resources []map[string]struct {
			Type       string `yaml:"Type"`
			Properties struct {
				TaskDefinition   string `yaml:"TaskDefinition"`
				LoadBalancerInfo struct {
					ContainerName string `yaml:"ContainerName"`
					ContainerPort int    `yaml:"ContainerPort"`
				} `yaml:"LoadBalancerInfo"`
			} `yaml:"Properties"`
		} `yaml:"Resources"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &spec))
	require.Len(t, spec.Resources, 1)
	target := spec.Resources[0]["TargetService"]
	assert.Equal(t, "AWS::ECS::Service", target.Type)
	assert.Equal(t, "<TASK_DEFINITION>", target.Properties.TaskDefinition)
	lb := target.Properties.LoadBalancerInfo

	_, fromJSON, _ := loadTaskdef(t)
	found := false
	for _, c := range fromJSON {
		if c.Name == lb.ContainerName {
			found = true
			assert.Contains(t, c.Ports, lb.ContainerPort, "the appspec's port is one the container maps")
		}
	}
	assert.True(t, found, "appspec container %q is in taskdef.json", lb.ContainerName)

	ecs := mustTemplate(t, "ecs.yaml")
	svcLB := Get(ecs.Resources["WebService"], "Properties", "LoadBalancers").Content[0]
	assert.Equal(t, lb.ContainerName, Get(svcLB, "ContainerName").Value)
	assert.Equal(t, strconv.Itoa(lb.ContainerPort), Get(svcLB, "ContainerPort").Value)
	assert.Equal(t, "CODE_DEPLOY", Get(ecs.Resources["WebService"], "Properties", "DeploymentController", "Type").Value)

	alb := mustTemplate(t, "alb.yaml")
	for _, tg := range []string{"TargetGroupBlue", "TargetGroupGreen"} {
		p := Get(alb.Resources[tg], "Properties")
		assert.Equal(t, strconv.Itoa(lb.ContainerPort), Get(p, "Port").Value, tg)
		assert.Equal(t, "/readyz", Get(p, "HealthCheckPath").Value, tg)
		assert.Equal(t, "ip", Get(p, "TargetType").Value, "%s: Fargate tasks register by IP", tg)
	}

	cd := mustTemplate(t, "codedeploy.yaml")
	dg := Get(cd.Resources["WebDeploymentGroup"], "Properties")
	assert.Equal(t, "60", Get(dg, "BlueGreenDeploymentConfiguration", "TerminateBlueInstancesOnDeploymentSuccess", "TerminationWaitTimeInMinutes").Value)
	assert.Equal(t, "BLUE_GREEN", Get(dg, "DeploymentStyle", "DeploymentType").Value)
	assert.Equal(t, "true", Get(dg, "AutoRollbackConfiguration", "Enabled").Value)
	var events []string
	require.NoError(t, Get(dg, "AutoRollbackConfiguration", "Events").Decode(&events))
	assert.Contains(t, events, "DEPLOYMENT_STOP_ON_ALARM")
	assert.Len(t, Get(dg, "AlarmConfiguration", "Alarms").Content, 2, "5xx and p99 roll back")
}
