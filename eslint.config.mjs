// Lint: eslint's and typescript-eslint's recommended rules; formatting is prettier's job.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";

// In both provider/ blocks below: ESLint replaces a rule's options per block, it does not merge them.
const noAsUnknownAs = {
    selector: "TSAsExpression[expression.type='TSAsExpression'][expression.typeAnnotation.type='TSUnknownKeyword']",
    message: "No `as unknown as`: type the value at its source (a zod schema, a typed helper).",
};

export default tseslint.config(
    {
        ignores: [
            "dist/",
            "docs/api/",
            "node_modules/",
            ".demo/",
            ".tmp/",
            "examples/*/node_modules/",
            "examples/bulk/generate-users.js",
            "test/fixtures/",
        ],
    },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    prettier,
    {
        languageOptions: {
            globals: {
                require: "readonly",
                module: "writable",
                process: "readonly",
                console: "readonly",
                __dirname: "readonly",
                Buffer: "readonly",
                setTimeout: "readonly",
                clearTimeout: "readonly",
                setInterval: "readonly",
                clearInterval: "readonly",
                setImmediate: "readonly",
                URL: "readonly",
                NodeJS: "readonly",
                globalThis: "readonly",
            },
        },
        rules: {
            // Wire data is typed by zod at the edges; tests poke at JSON freely.
            "@typescript-eslint/no-explicit-any": "off",
            // The serialized shim must require() by package name at call time (see provider/shim.ts).
            "@typescript-eslint/no-require-imports": "off",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
        },
    },
    {
        // The package's code stays readable in one sitting: short functions, types that tell the truth.
        files: ["provider/**/*.ts"],
        rules: {
            "max-lines-per-function": ["error", { max: 60, skipBlankLines: true, skipComments: true }],
            // The next block replaces these options for most of provider/, adding its own.
            "no-restricted-syntax": ["error", noAsUnknownAs],
        },
    },
    {
        // zod compiles a schema on its first parse, so one built per call pays that on every call.
        // The field and settings tables are exempt: their schema factories run once, at module level.
        files: ["provider/**/*.ts"],
        ignores: ["provider/model/fields.ts", "provider/config/settings.ts"],
        rules: {
            "no-restricted-syntax": [
                "error",
                noAsUnknownAs,
                {
                    selector:
                        ":function CallExpression[callee.object.name='z'][callee.property.name!=/^(prettifyError|treeifyError|flattenError|parse|safeParse|parseAsync|safeParseAsync)$/], " +
                        ":function CallExpression[callee.property.name=/^(partial|extend|safeExtend|omit|pick|merge|required|strict|strip|loose|passthrough|catchall|refine|superRefine|keyof)$/]",
                    message:
                        "Build zod schemas once, at module level; memoize one that depends on a value (see knownInputsFor in check.ts).",
                },
            ],
        },
    },
);
