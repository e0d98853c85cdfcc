// Type-checks every document of the given YAML files against the TypeScript interfaces of
// kubernetes-models (Kubernetes 1.27 API): excess-property checks catch misspelled or unknown
// fields at any depth, which the JSON-schema validation does not. Writes check.ts, runs tsc.
const fs = require("fs");
const yaml = require("js-yaml");
const { execFileSync } = require("child_process");
const modules = { "v1": "v1", "apps/v1": "apps/v1", "batch/v1": "batch/v1",
  "networking.k8s.io/v1": "networking.k8s.io/v1", "policy/v1": "policy/v1" };
let out = [], n = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of yaml.loadAll(fs.readFileSync(file, "utf8"))) {
    if (!doc) continue;
    n++;
    out.push(`import { I${doc.kind} as T${n} } from "kubernetes-models/${modules[doc.apiVersion]}/${doc.kind}";`);
    out.push(`// ${file}: ${doc.kind}/${doc.metadata.name}\nexport const d${n}: T${n} = ${JSON.stringify(doc, null, 1)};`);
  }
}
fs.writeFileSync(__dirname + "/check.ts", out.join("\n") + "\n");
try {
  execFileSync(__dirname + "/node_modules/.bin/tsc", ["--noEmit", "--strict", "--skipLibCheck", "--moduleResolution", "node",
    "--module", "commonjs", "--target", "es2020", __dirname + "/check.ts"], { stdio: "inherit" });
  console.log(`${n} documents type-check`);
} catch (e) { console.log("type check FAILED"); process.exit(1); }
