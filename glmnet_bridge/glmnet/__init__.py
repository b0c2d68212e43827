"""glmnet's regularisation path and its cross-validation, in glmnet's vocabulary."""
