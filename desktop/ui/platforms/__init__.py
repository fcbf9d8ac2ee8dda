"""创新平台: platforms by kind and level, hosts, counts against targets."""
