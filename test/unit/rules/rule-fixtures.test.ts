import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRuleChecker, RULE_IDS, ruleApplies, RULES } from '../../../src/rules/index.ts';
import { detectFileMessage } from '../../../src/tools/conformance/detect-file-message.ts';
import { FIXTURES_PATH, SCHEMA_PATH, XMLLINT } from '../../support/paths.ts';
import { xmllintFile } from '../../support/xmllint.ts';
import { NDC_VERSIONS } from '../../../src/ndc/ndc-versions.ts';

/**
 * fixtures/rules/<rule id>/: `pass*.xml` passes every rule; `fail*.xml` breaks that rule, and only
 * that one, at least once. A `-17.2` suffix marks the 17.2 form of a rule. The fixtures are
 * schema-valid (xmllint), so they show what the rules see that the XSD does not; the exceptions
 * break a rule the XSD states too.
 */
const XSD_ALSO_REFUSES = new Set([
  'distribution-chain/fail.xml', 'distribution-chain/fail-17.2.xml', 'offer-item-required/fail.xml', 'offer-item-required/fail-selected-offer.xml',
]);
const ROOT = join(FIXTURES_PATH, 'rules');
const checker = createRuleChecker({}, { schemaPath: SCHEMA_PATH });

function checkFixture(file: string) {
  const xml = readFileSync(file);
  const detected = detectFileMessage(xml, { defaultVersion: '21.3' });
  if (!detected.ok) throw new Error(`${file}: ${detected.error.message}`);
  const { version, message } = detected.file;
  return { version, message, findings: checker.check({ xml, version, message }) };
}

describe('rule fixtures', () => {
  it('has a passing and a failing fixture for every rule', () => {
    for (const id of RULE_IDS) {
      const files = readdirSync(join(ROOT, id));
      expect(files, id).toContain('pass.xml');
      expect(files, id).toContain('fail.xml');
    }
  });

  for (const id of readdirSync(ROOT).filter((name) => !name.includes('.')).sort()) {
    describe(id, () => {
      for (const name of readdirSync(join(ROOT, id)).filter((file) => file.endsWith('.xml')).sort()) {
        it(name, () => {
          const { version, message, findings } = checkFixture(join(ROOT, id, name));
          // the fixture is one the rule applies to, so a pass means something
          expect(RULES.some((rule) => rule.id === id && ruleApplies(rule, version, message))).toBe(true);
          if (name.startsWith('pass')) {
            expect(findings).toEqual([]);
          } else {
            expect(findings.length).toBeGreaterThan(0);
            expect(findings.map((finding) => finding.ruleId)).toEqual(findings.map(() => id));
            for (const finding of findings) expect(finding.line).toBeGreaterThan(0);
          }
        });
        if (existsSync(XMLLINT)) {
          const refused = XSD_ALSO_REFUSES.has(`${id}/${name}`);
          it(`${name} is ${refused ? 'refused' : 'accepted'} by the XSD`, () => {
            const file = join(ROOT, id, name);
            const { version, message } = checkFixture(file);
            const info = NDC_VERSIONS[version]!;
            const { valid, output } = xmllintFile(join(SCHEMA_PATH, version, info.schemaFile(info.rootName(message))), file);
            expect(valid, output).toBe(!refused);
          });
        }
      }
    });
  }
});
