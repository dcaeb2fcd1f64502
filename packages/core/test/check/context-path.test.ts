import { describe, expect, it } from 'vitest';
import { contextPathOfWar } from '../../src/check/context-path.js';

describe('contextPathOfWar', () => {
  it.each([
    ['/builds/shop##003.war', '/shop'],
    ['shop.war', '/shop'],
    ['shop.WAR', '/shop'],
    ['ROOT.war', '/'],
    ['ROOT##001.war', '/'],
    ['##001.war', '/'],
    ['a#b.war', '/a/b'],
    ['a#b##7.war', '/a/b'],
    ['app##x#y.war', '/app'],
    ['app##1##2.war', '/app'],
    ['dir/my-app_1.0.war', '/my-app_1.0'],
  ])('%s deploys at %s', (file, path) => {
    expect(contextPathOfWar(file)).toBe(path);
  });
});
