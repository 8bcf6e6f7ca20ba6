/** cytoscape-navigator ships no types: it registers `cy.navigator(options)` on cytoscape. */
declare module 'cytoscape-navigator' {
  const register: (cytoscape: any) => void;
  export default register;
}
