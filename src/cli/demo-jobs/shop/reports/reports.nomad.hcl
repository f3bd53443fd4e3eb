# A batch job that runs once, and a periodic job Nomad launches every night.
variable "image" {
  type    = string
  default = "shop/reports:3.1"
}

job "daily-report" {
  datacenters = ["dc1"]
  type        = "batch"

  group "report" {
    task "build" {
      driver = "docker"

      config {
        image = var.image
        args  = ["--since", "24h"]
      }
    }
  }
}
