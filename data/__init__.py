"""Real data sets shipped with glmnet_bridge (read them with :mod:`glmnet_bridge.datasets`)."""
