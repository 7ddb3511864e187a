/**
 * The fake Git sync and fake Proton on 127.0.0.1 for a test file or describe block that runs a built command
 * against them: started once, reset before each test, checked honest (nothing served outside the Smithy models)
 * after each, closed at the end.
 */
import { FakeCodeStarConnections } from '../../offline/fake-codestar-connections';
import { FakeProton } from '../../offline/fake-proton';

export interface FakeSources {
  readonly gitSync: FakeCodeStarConnections;
  readonly proton: FakeProton;
  /** The SDK's endpoint variables that point a process at the fakes. */
  readonly endpoints: () => Record<string, string>;
}

/** Registers the hooks of the fakes' life in the enclosing block; use the result inside tests only. */
export function useFakeSources(): FakeSources {
  let gitSync: FakeCodeStarConnections | undefined;
  let proton: FakeProton | undefined;
  const started = <T>(fake: T | undefined): T => {
    if (!fake) throw new Error('useFakeSources: the fakes start in beforeAll; use them inside tests');
    return fake;
  };
  const fakes: FakeSources = {
    get gitSync() {
      return started(gitSync);
    },
    get proton() {
      return started(proton);
    },
    endpoints: () => ({ AWS_ENDPOINT_URL_CODESTAR_CONNECTIONS: fakes.gitSync.endpoint, AWS_ENDPOINT_URL_PROTON: fakes.proton.endpoint }),
  };
  beforeAll(async () => {
    [gitSync, proton] = await Promise.all([FakeCodeStarConnections.start(), FakeProton.start()]);
  });
  afterAll(async () => {
    await Promise.all([gitSync?.close(), proton?.close()]);
  });
  beforeEach(() => {
    fakes.gitSync.reset();
    fakes.proton.reset();
  });
  afterEach(() => {
    fakes.gitSync.assertHonest();
    fakes.proton.assertHonest();
  });
  return fakes;
}
