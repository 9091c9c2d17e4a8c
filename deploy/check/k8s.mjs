// Checks the Kubernetes manifests of deploy/k8s offline (no cluster is needed):
//  - every object against the Kubernetes API schema (kubernetes-models: types, required
//    fields, enums, formats), named by file, object and field;
//  - what a schema cannot see: selectors that match their pods, Services that select a
//    workload and name its ports, mounts of declared volumes, ConfigMaps that exist, the
//    namespace, and every file listed in kustomization.yaml.
// Prints one JSON line per gsmqd container (its args, env and config file), for
// tests/cli/k8s.bats to start gsmqd with exactly those. Exit 1 with the reasons on stderr.
//
// Usage: node k8s.mjs [DIR]   (DIR defaults to deploy/k8s)
import { readFileSync, readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments, parse } from "yaml";
import * as models from "kubernetes-models";

const dir = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), "..", "k8s");
const problems = [];
const problem = (where, what) => problems.push(`${where}: ${what}`);

// apiVersion "apps/v1" -> models.apps.v1; "v1" -> models.v1 (core).
function modelOf(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const key = group.replace(/\.([a-z])/g, (_, c) => c.toUpperCase()).replace(/\.k8s\.io$/, "K8sIo");
  const groupModels = group === "" ? models[version] : models[key]?.[version];
  return groupModels?.[kind];
}

const kustomization = parse(readFileSync(join(dir, "kustomization.yaml"), "utf8"));
const listed = new Set(kustomization.resources ?? []);
for (const f of readdirSync(dir).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml"))
  if (!listed.has(f)) problem(f, "not listed in kustomization.yaml resources");

const objects = [];
for (const file of listed) {
  let docs;
  try {
    docs = parseAllDocuments(readFileSync(join(dir, file), "utf8"));
  } catch (e) {
    problem(file, e.message);
    continue;
  }
  docs.forEach((doc, n) => {
    for (const e of doc.errors) problem(`${file} document ${n + 1}`, e.message);
    const o = doc.toJS();
    if (!o) return;
    const where = `${file} ${o.kind ?? "?"}/${o.metadata?.name ?? `document ${n + 1}`}`;
    const Model = modelOf(o.apiVersion ?? "", o.kind ?? "");
    if (!Model) return problem(where, `unknown apiVersion/kind ${o.apiVersion}/${o.kind}`);
    try {
      new Model(o).validate();
    } catch (e) {
      return problem(where, e.message);
    }
    objects.push({ file, where, o });
  });
}

const byKind = (kind) => objects.filter(({ o }) => o.kind === kind);
const matches = (selector, labels) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v) && Object.keys(selector ?? {}).length > 0;
const namespaces = new Set(byKind("Namespace").map(({ o }) => o.metadata.name));
const configMaps = new Map(byKind("ConfigMap").map(({ o }) => [`${o.metadata.namespace}/${o.metadata.name}`, o]));
const workloads = objects.filter(({ o }) => ["Deployment", "StatefulSet", "DaemonSet"].includes(o.kind));

for (const { where, o } of objects)
  if (o.kind !== "Namespace" && !namespaces.has(o.metadata.namespace))
    problem(where, `namespace ${o.metadata.namespace} is not defined here`);

const invocations = [];
for (const { where, o } of workloads) {
  const pod = o.spec.template;
  if (!matches(o.spec.selector.matchLabels, pod.metadata?.labels))
    problem(where, "spec.selector.matchLabels does not match the pod template's labels");
  const volumes = new Set([
    ...(pod.spec.volumes ?? []).map((v) => v.name),
    ...(o.spec.volumeClaimTemplates ?? []).map((v) => v.metadata.name),
  ]);
  for (const v of pod.spec.volumes ?? [])
    if (v.configMap && !configMaps.has(`${o.metadata.namespace}/${v.configMap.name}`))
      problem(where, `volume ${v.name}: ConfigMap ${v.configMap.name} is not defined here`);
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    for (const m of c.volumeMounts ?? [])
      if (!volumes.has(m.name)) problem(where, `container ${c.name} mounts ${m.name}, which is not a volume`);
    if (!c.image?.startsWith("gsmq/gsmqd:") || (c.command && c.command[0] !== "gsmqd")) continue;
    // The daemon's config file: the ConfigMap mounted where --config points.
    const args = c.args ?? [];
    const configPath = args[args.indexOf("--config") + 1];
    let config = null;
    for (const m of c.volumeMounts ?? []) {
      const v = (pod.spec.volumes ?? []).find((v) => v.name === m.name);
      if (!v?.configMap || !configPath?.startsWith(m.mountPath + "/")) continue;
      const key = configPath.slice(m.mountPath.length + 1);
      config = configMaps.get(`${o.metadata.namespace}/${v.configMap.name}`)?.data?.[key] ?? null;
      if (config === null) problem(where, `--config ${configPath}: ConfigMap ${v.configMap.name} has no key ${key}`);
    }
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? null]));
    invocations.push({ where, tier: o.metadata.labels?.["app.kubernetes.io/component"], args, env, config });
  }
}

for (const { where, o } of byKind("Service")) {
  const targets = workloads.filter(
    (w) => w.o.metadata.namespace === o.metadata.namespace && matches(o.spec.selector, w.o.spec.template.metadata.labels),
  );
  if (targets.length === 0) problem(where, "its selector matches no workload's pods");
  for (const p of o.spec.ports ?? []) {
    if (typeof p.targetPort !== "string") continue;
    const named = targets.some((w) =>
      w.o.spec.template.spec.containers.some((c) => (c.ports ?? []).some((cp) => cp.name === p.targetPort)),
    );
    if (!named) problem(where, `targetPort ${p.targetPort} is not a port name of the pods it selects`);
  }
}

if (problems.length) {
  for (const p of problems) console.error(`k8s.mjs: ${p}`);
  process.exit(1);
}
for (const i of invocations) console.log(JSON.stringify(i));
