// Package deploy holds Lobang's AWS deployment as code — CloudFormation
// stacks (one per concern), the CodeBuild and CodeDeploy files and the ECS
// task definition — and the checks that prove here what can be proven
// without AWS: the templates parse, every reference names something, and the
// task, the image, the server and CI agree with each other.
package deploy
