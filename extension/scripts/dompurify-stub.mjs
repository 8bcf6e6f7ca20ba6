// Stands in for DOMPurify in the flowchart parser bundle (build-mermaid.mjs): sanitizing
// is a rendering concern and needs a DOM; the importer reads labels as plain hostile text.
export default { addHook() {}, sanitize: (text) => text };
