"""Security: IAM, KMS, Secrets Manager, SSM parameters, WAF, Cognito."""

TYPES = ()
