"""The alliance handbook (docs/design/handbook.md): records → page contexts → Jinja2 templates → Markdown →
MkDocs Material, one site per language. `pipeline.build` is `qtgov build`; `serve.serve` is
`qtgov serve`."""
