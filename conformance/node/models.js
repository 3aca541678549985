// The answers of a typed client of tencentcloud-sdk-nodejs, walked against
// the package's own models of them: the <Action>Response interfaces and the
// interfaces they hold, read from the service's <service>_models.d.ts, as
// Tencent publishes them. The rules are the Go model walk's
// (../models_test.go): every member the model declares is present, and
// none it lacks; a member typed as an interface is an object, never null
// (an empty object stands for none); a string is a string, never null; a
// number, a boolean or a list is one, or null where the answer has none.
"use strict";
const fs = require("fs");
const path = require("path");

// newestModelCheck is conformance.NewestModelCheck (../doc.go), which the
// fidelity report counts.
const newestModelCheck =
  "every answer has each member of tencentcloud-sdk-nodejs's (newest) model, typed as it declares, and no other";

const root = path.join(path.dirname(require.resolve("tencentcloud-sdk-nodejs")), "services");

// models reads every interface of a service's models: name → member → type.
function models(service, version) {
  const file = path.join(root, service, version, `${service}_models.d.ts`);
  const src = fs.readFileSync(file, "utf8");
  const out = {};
  for (const m of src.matchAll(/^export interface (\w+) \{\n([\s\S]*?)\n\}/gm)) {
    const members = {};
    for (const f of m[2].matchAll(/^ {4}(\w+)\??: (.+);$/gm)) members[f[1]] = f[2];
    out[m[1]] = members;
  }
  return out;
}

// walk returns the problems of value v against type t at path p.
function walk(all, p, v, t) {
  const list = /^Array<(.+)>$/.exec(t);
  if (v === null || v === undefined) {
    return t === "string" || all[t] ? [`${p}: null, want ${t}`] : [];
  }
  if (list) {
    if (!Array.isArray(v)) return [`${p}: ${typeof v}, want a list`];
    return v.flatMap((x, i) => walk(all, `${p}[${i}]`, x, list[1]));
  }
  if (t === "string" || t === "number" || t === "boolean") {
    return typeof v === t ? [] : [`${p}: ${typeof v}, want ${t}`];
  }
  const model = all[t];
  if (!model) return []; // a type the models do not declare (any): nothing to hold it to
  if (typeof v !== "object" || Array.isArray(v)) return [`${p}: ${typeof v}, want an object ${t}`];
  if (Object.keys(v).length === 0 && p !== "Response") return [];
  const out = [];
  for (const [name, mt] of Object.entries(model)) {
    if (!(name in v)) out.push(`${p}.${name}: missing`);
    else out.push(...walk(all, `${p}.${name}`, v[name], mt));
  }
  for (const name of Object.keys(v)) if (!(name in model)) out.push(`${p}.${name}: not in the model`);
  return out;
}

// walked wraps a typed client: each answer of each action is walked
// against <Action>Response, its problems kept by action for report().
function walked(client, service, version) {
  const all = models(service, version);
  const seen = {};
  const proxy = new Proxy(client, {
    get(target, name) {
      const f = target[name];
      if (typeof f !== "function" || !all[`${String(name)}Response`]) return f;
      return async (...args) => {
        const answer = await f.apply(target, args);
        seen[name] = (seen[name] || []).concat(walk(all, "Response", answer, `${String(name)}Response`));
        return answer;
      };
    },
  });
  proxy.report = (check) => {
    for (const action of Object.keys(seen).sort()) {
      check(action, newestModelCheck, seen[action].length === 0, seen[action].slice(0, 5).join("; "));
    }
  };
  return proxy;
}

module.exports = { walked };
