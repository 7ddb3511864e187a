// Mutation runs only: turns off aws-cdk-lib's built-in CloudFormation template validation during synth. It loads a
// WebAssembly validator in every test file's fresh module registry (3 to 9 s a file on 2 cores), which StrykerJS pays
// again for every mutant. `npm test` keeps it on. A mutant that only the validator would catch counts as surviving,
// so this can only lower the score, never flatter it.
process.env.CDK_VALIDATION = 'false';
