// Validates every document of the given YAML files against the Kubernetes 1.27 OpenAPI schemas
// bundled in the kubernetes-models npm package (offline; no cluster).
const fs = require("fs");
const yaml = require("js-yaml");
const groups = {
  "v1": require("kubernetes-models/v1"),
  "apps/v1": require("kubernetes-models/apps/v1"),
  "batch/v1": require("kubernetes-models/batch/v1"),
  "networking.k8s.io/v1": require("kubernetes-models/networking.k8s.io/v1"),
  "policy/v1": require("kubernetes-models/policy/v1"),
};
let failed = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of yaml.loadAll(fs.readFileSync(file, "utf8"))) {
    if (!doc) continue;
    const Model = (groups[doc.apiVersion] || {})[doc.kind];
    const name = `${file}: ${doc.apiVersion} ${doc.kind}/${doc.metadata && doc.metadata.name}`;
    if (!Model) { console.log(`NO MODEL ${name}`); failed++; continue; }
    try { new Model(doc).validate(); console.log(`valid ${name}`); }
    catch (e) { console.log(`INVALID ${name}: ${e.message}`); failed++; }
  }
}
process.exit(failed ? 1 : 0);
