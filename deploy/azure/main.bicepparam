// Parameters for a deployment by hand (README, "Deploy"); secrets come from the shell's environment:
//   export BOT_ID=… SECRET_BOT_PASSWORD=… SECRET_ADMIN_TOKEN=… SECRET_POSTGRES_PASSWORD=… [SECRET_SMTP_URL=…]
//   az deployment group create -g <group> -f deploy/azure/main.bicep -p deploy/azure/main.bicepparam
using 'main.bicep'

param resourceBaseName = readEnvironmentVariable('RESOURCE_BASE_NAME', 'unepassistant')
param instanceCount = int(readEnvironmentVariable('INSTANCE_COUNT', '2'))
param containerImage = readEnvironmentVariable('CONTAINER_IMAGE', '')
param botAppId = readEnvironmentVariable('BOT_ID')
param botAppPassword = readEnvironmentVariable('SECRET_BOT_PASSWORD')
param adminToken = readEnvironmentVariable('SECRET_ADMIN_TOKEN')
param postgresAdminPassword = readEnvironmentVariable('SECRET_POSTGRES_PASSWORD')
param smtpUrl = readEnvironmentVariable('SECRET_SMTP_URL', '')
param organiserEmails = readEnvironmentVariable('ORGANISER_EMAILS', '')
param organiserIds = readEnvironmentVariable('ORGANISER_IDS', '')
param adminIds = readEnvironmentVariable('ADMIN_IDS', '')
param digestSchedule = readEnvironmentVariable('DIGEST_SCHEDULE', '')
