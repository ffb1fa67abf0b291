; Inno Setup 6 script for the Scan Station installer (per-machine, Start-menu entry, uninstaller).
;
; Build from the repository root after `python packaging/build.py`:
;   iscc /DAppVersion=1.2.3 /DSourceDir=dist\scan-station /DOutputDir=dist packaging\windows\scan-station.iss
; packaging/build.py --installer passes the same defines. AppVersion falls back to the environment
; variable SCAN_STATION_VERSION, so CI can set it once.

#ifndef AppVersion
  #define AppVersion GetEnv("SCAN_STATION_VERSION")
#endif
#if AppVersion == ""
  #error AppVersion is missing: pass /DAppVersion=X.Y.Z or set SCAN_STATION_VERSION
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\scan-station"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif

#define AppName "Scan Station"
#define AppExe "scan-station.exe"
; The Visual C++ 2013 runtime (msvcr120.dll) that pyzbar's libzbar-64.dll links against. CI downloads
; vcredist_x64.exe next to this script; without it the installer is built without the runtime step.
#define VCRedist "vcredist_x64.exe"

[Setup]
; AppId identifies the product to Windows for upgrades and the uninstaller: never change it.
AppId={{6E1B7C52-3C0A-4B8E-9B4F-2A7D51C0E6A1}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Scan Station
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=ScanStation-{#AppVersion}-Setup
SetupIconFile=..\..\resources\icons\app.ico
UninstallDisplayIcon={app}\{#AppExe}
LicenseFile={#SourceDir}\_internal\licenses\THIRD-PARTY-NOTICES.md
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
#if FileExists(AddBackslash(SourcePath) + VCRedist)
Source: "{#VCRedist}"; DestDir: "{tmp}"; Flags: deleteafterinstall
#endif

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\Third-party notices"; Filename: "{app}\_internal\licenses\THIRD-PARTY-NOTICES.md"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
#if FileExists(AddBackslash(SourcePath) + VCRedist)
Filename: "{tmp}\{#VCRedist}"; Parameters: "/install /quiet /norestart"; StatusMsg: "Installing the Visual C++ 2013 runtime..."; Flags: waituntilterminated
#endif
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
