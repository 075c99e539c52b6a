/** The AWS CDK app that describes ccotel's AWS deployment as one CloudFormation stack. */
package ccotel.infra;
