"""The team server: JupyterHub in front of the avgkit app, one store per server.

- `avgkit.server.hub_config`: the JupyterHub configuration `avgkit serve` runs with;
- `avgkit.server.spawner`: starts each user's app (no system users) with the role's app;
- `avgkit.server.singleuser`: the per-user app (Voilà for auditors and reviewers, the read-only
  report pages for readers), behind the hub's login;
- `avgkit.server.session`: what the notebooks call in server mode (fixed store, author, role);
- `avgkit.server.users`: `avgkit users ...` over the hub's database.
"""
