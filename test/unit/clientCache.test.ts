import { ClaimsIdentity, ConnectorFactory, type ConnectorClient } from 'botframework-connector';
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { ClientCachingAuthentication } from '../../src/bot/clientCache';

/** botbuilder's own authentication, whose connector factory fails as often as told, then builds real clients. */
function authentication(failures: number) {
  const real = new ConfigurationBotFrameworkAuthentication({});
  let left = failures;
  let built = 0;
  const inner = Object.assign(Object.create(real) as ConfigurationBotFrameworkAuthentication, {
    createConnectorFactory(claims: ClaimsIdentity): ConnectorFactory {
      const factory = real.createConnectorFactory(claims);
      return new (class extends ConnectorFactory {
        create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
          if (left-- > 0) return Promise.reject(new Error('credentials unavailable'));
          built++;
          return factory.create(serviceUrl, audience);
        }
      })();
    },
  });
  return { auth: new ClientCachingAuthentication(inner), built: () => built };
}

const anonymous = new ClaimsIdentity([], true);

describe('connector clients kept across turns', () => {
  test('when turns go to the same channel endpoint, then they share one client; another endpoint gets its own', async () => {
    const { auth, built } = authentication(0);
    const a1 = await auth.createConnectorFactory(anonymous).create('http://127.0.0.1:3978/', undefined);
    const a2 = await auth.createConnectorFactory(anonymous).create('http://127.0.0.1:3978/', undefined);
    const b = await auth.createConnectorFactory(anonymous).create('http://127.0.0.1:3979/', undefined);
    expect(a2).toBe(a1);
    expect(b).not.toBe(a1);
    expect(built()).toBe(2);
  });

  test('when building a client fails, then the next turn tries again instead of getting the failure', async () => {
    const { auth, built } = authentication(1);
    await expect(auth.createConnectorFactory(anonymous).create('http://127.0.0.1:3978/', undefined)).rejects.toThrow('credentials unavailable');
    await expect(auth.createConnectorFactory(anonymous).create('http://127.0.0.1:3978/', undefined)).resolves.toBeDefined();
    expect(built()).toBe(1);
  });
});
