// The README's generated parts stay current: the configuration table is CONFIG_KEYS rendered
// (`npm run docs:config` rewrites it), and each documented default is the schema's own.
import assert from "node:assert/strict";
import fs from "node:fs";
import { CONFIG_KEYS } from "pulumi-primavera-admin/provider/testing";
import { resolveConfig } from "pulumi-primavera-admin/provider/config/resolve";
import { README, withConfigTable } from "../../scripts/docs-config";

describe("the README's generated parts", () => {
    it("the configuration table is CONFIG_KEYS rendered (run `npm run docs:config` after changing a setting)", () => {
        const readme = fs.readFileSync(README, "utf8");
        assert.equal(readme, withConfigTable(readme));
    });

    it("every documented default is the one the schema applies", () => {
        const parsed: Record<string, unknown> = resolveConfig(
            { baseUrl: "https://h.example", username: "u", password: "p" },
            () => undefined,
            {},
        );
        for (const k of CONFIG_KEYS) {
            if (k.required) continue;
            assert.equal(String(parsed[k.key]), k.default, `${k.stack}: documented default ${k.default}, schema ${parsed[k.key]}`);
        }
    });
});
