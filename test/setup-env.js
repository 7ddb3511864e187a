// Runs in every test worker before its test file (jest `setupFiles`); child processes the tests start inherit it.
//
// The AWS SDK for JavaScript v3 warns once per process, on Node.js 20, that its releases after January 2027 will
// need Node.js 22 (NodeVersionSupportWarning). The project supports Node.js 20 on purpose, so on a passing run the
// warning is noise; this is the SDK's documented opt-out, for that one warning only (other process warnings still
// print). An explicit AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=false in the environment shows it again.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
